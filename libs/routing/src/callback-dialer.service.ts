import { Injectable, Logger } from '@nestjs/common';
import { Contact, maskPhone } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ContactRepository } from '@centralino/persistence';
import { QueueRegistry } from '@centralino/queueing';
import { CallBridges } from './call-bridge';

/** Seconds past the ring time after which an attempt that reported nothing counts as not reached. */
export const ATTEMPT_GRACE_SECONDS = 90;

/** centralino's id of one outbound attempt (a generic gateway reports the call by it). */
export function callbackCallId(contactId: string, attempt: number): string {
  return `cb-${contactId}-${attempt}`;
}

/** The contact and attempt a `callbackCallId` names, or null for any other call id. */
export function parseCallbackCallId(callId: string): { contactId: string; attempt: number } | null {
  const match = /^cb-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([1-9][0-9]?)$/.exec(
    callId,
  );
  return match ? { contactId: match[1]!, attempt: Number(match[2]) } : null;
}

export function callbackTimeoutJobId(contactId: string, attempt: number): string {
  return `callback-timeout.${contactId}.${attempt}`;
}

/**
 * Places the outbound call of an accepted callback (docs/routing.md, "Callbacks"). Apart from the rest of
 * the callback flow (CallbackService) so that the offer service can use it without a dependency cycle:
 * what follows an attempt is decided by the outcome reports and the `callback.attempt-timeout` timer,
 * which this schedules for every attempt (at once when the provider refused the call).
 */
@Injectable()
export class CallbackDialer {
  private readonly logger = new Logger(CallbackDialer.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly queues: QueueRegistry,
    private readonly bridges: CallBridges,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  /** The provider that calls this contact back: its own for a call, the configured one for a chat. */
  providerFor(contact: Contact): string | null {
    return contact.channel === 'voice'
      ? contact.provider
      : (this.frontOffice.data.callbacks?.provider ?? null);
  }

  /** The number a call would be called back on (its caller id, as its provider reads it). */
  callerNumber(contact: Contact): string | null {
    return this.bridges.callerNumber(contact.provider, contact);
  }

  /** Callbacks are configured and this contact's provider can place them. */
  canCallBack(contact: Contact): boolean {
    return !!this.frontOffice.data.callbacks && this.bridges.canCallBack(this.providerFor(contact), contact);
  }

  /**
   * Calls the customer of a contact just moved to `calling_back` (its `callback.attempts` already counts
   * this attempt). Never throws: a call that cannot be placed is reported as a failed attempt.
   */
  async place(contact: Contact, operatorId: string): Promise<void> {
    const policy = this.frontOffice.data.callbacks;
    const request = contact.callback;
    if (!request) return;
    const attempt = request.attempts;
    const ringSeconds = policy?.ringSeconds ?? 30;
    await this.queues.schedule(
      'callback.attempt-timeout',
      { contactId: contact.id, attempt, status: 'no_status' },
      {
        delayMs: (ringSeconds + ATTEMPT_GRACE_SECONDS) * 1000,
        jobId: callbackTimeoutJobId(contact.id, attempt),
      },
    );
    const provider = this.providerFor(contact);
    const callId = callbackCallId(contact.id, attempt);
    try {
      if (!provider || !policy) throw new Error('callbacks are not configured for this contact');
      const externalId = await this.bridges.callBack(provider, contact, operatorId, {
        callId,
        number: request.number,
        from: contact.channel === 'voice' ? contact.toAddress : (policy.fromNumber ?? null),
        attempt,
        ringSeconds,
      });
      // A voice contact is known to its provider by the outbound call from now on (late events of the
      // ended inbound call then find nothing to change, and the console's hang-up reaches this call).
      if (contact.channel === 'voice' && externalId && externalId !== contact.externalId) {
        await this.contacts.patchIn(
          contact.id,
          ['calling_back', 'connected'],
          { externalId },
          { kind: 'callback_call', attempt, externalId },
        );
      }
      this.logger.log(
        {
          correlationId: contact.id,
          contactId: contact.id,
          attempt,
          to: maskPhone(request.number),
          provider,
        },
        'Callback call placed',
      );
    } catch (error) {
      this.logger.error(
        { correlationId: contact.id, contactId: contact.id, attempt, provider, err: error },
        'Could not place the callback call',
      );
      // Counted as an attempt that did not reach the customer, by the same path as a `failed` status.
      await this.queues.cancel(callbackTimeoutJobId(contact.id, attempt));
      await this.queues.schedule(
        'callback.attempt-timeout',
        { contactId: contact.id, attempt, status: 'failed' },
        { delayMs: 0, jobId: `${callbackTimeoutJobId(contact.id, attempt)}.failed` },
      );
    }
  }
}
