import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, tap, throwError } from 'rxjs';
import { MetricsService } from './metrics.service';

/** Requests whose handler found the delivery was a retry (see markWebhookDuplicate). */
const duplicates = new WeakSet<object>();

/** Called by a webhook handler that recognised a retried delivery: counted as `duplicate`. */
export function markWebhookDuplicate(request: object): void {
  duplicates.add(request);
}

/**
 * Counts every delivery to a provider's webhook controller in `centralino_webhooks_total`, once:
 * `accepted` (or `duplicate`, when the handler marked it) when the handler answered, otherwise by its
 * error (signature refusals also in `centralino_webhook_signature_failures_total`, with the reason).
 * For controllers whose answers (TwiML, NCCO) cannot go through MetricsService.trackWebhook.
 */
export function webhookMetricsInterceptor(provider: string) {
  @Injectable()
  class WebhookMetricsInterceptor implements NestInterceptor {
    constructor(readonly metrics: MetricsService) {}

    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      const request = context.switchToHttp().getRequest<object>();
      return next.handle().pipe(
        tap(() =>
          this.metrics.webhooks.inc({
            provider,
            outcome: duplicates.has(request) ? 'duplicate' : 'accepted',
          }),
        ),
        catchError((error: unknown) => {
          this.metrics.webhookFailed(provider, error);
          return throwError(() => error);
        }),
      );
    }
  }
  return WebhookMetricsInterceptor;
}
