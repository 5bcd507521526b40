import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, tap, throwError } from 'rxjs';
import { DomainError } from '@centralino/contacts';
import { MetricsService } from './metrics.service';

/**
 * Counts every delivery to a provider's webhook controller in `centralino_webhooks_total`: `accepted`
 * when the handler answered, otherwise by its error. Signature refusals are left to the verifier that
 * counted them already (with their reason in `centralino_webhook_signature_failures_total`), so a
 * delivery is counted once. For controllers whose answers (TwiML, NCCO) do not say whether the delivery
 * was a retry; those that can tell count `duplicate` themselves through MetricsService.trackWebhook.
 */
export function webhookMetricsInterceptor(provider: string) {
  @Injectable()
  class WebhookMetricsInterceptor implements NestInterceptor {
    constructor(readonly metrics: MetricsService) {}

    intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
      return next.handle().pipe(
        tap(() => this.metrics.webhooks.inc({ provider, outcome: 'accepted' })),
        catchError((error: unknown) => {
          const counted = error instanceof DomainError && error.code.startsWith('signature_');
          if (!counted) this.metrics.webhookFailed(provider, error);
          return throwError(() => error);
        }),
      );
    }
  }
  return WebhookMetricsInterceptor;
}
