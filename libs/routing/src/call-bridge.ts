import { Injectable, Logger } from '@nestjs/common';
import { Contact, DomainError } from '@centralino/contacts';
import { OperatorRecord, OperatorRepository } from '@centralino/persistence';

/** An outbound call that calls a customer back and puts them through to the operator who accepted it. */
export interface OutboundCallback {
  /** centralino's id for this attempt; a provider that reports by it (the generic gateway) keeps it. */
  callId: string;
  /** The E.164 number to call. */
  number: string;
  /** The caller id to call from (the number the customer dialled; for a chat callback, the configured one). */
  from: string | null;
  /** 1 for the first attempt. */
  attempt: number;
  /** How long the customer's phone may ring. */
  ringSeconds: number;
}

/**
 * The port through which routing connects an accepted contact to its operator on the provider's side
 * (a Twilio REST call update, a Vonage transfer, a Telnyx bridge...). One per provider, keyed by
 * `contact.provider`; routing never knows a provider's API.
 */
export abstract class CallBridge {
  abstract readonly provider: string;
  abstract connect(contact: Contact, operator: OperatorRecord): Promise<void>;

  /** Ends the call: the operator completed it or took a message. */
  hangUp(contact: Contact): Promise<void> {
    return Promise.reject(unsupported(this.provider, 'hang up', contact));
  }

  /** Puts the call back on hold in its queue (the waiting prompts): a transfer to a queue or an operator. */
  requeue(contact: Contact): Promise<void> {
    return Promise.reject(unsupported(this.provider, 'requeue', contact));
  }

  /** Whether this provider can place callbacks (`callBack`). */
  readonly placesCallbacks: boolean = false;

  /**
   * Whether this provider can call back this contact (its account may lack what an outbound call needs,
   * such as Telnyx's connection). Default: whenever it places callbacks.
   */
  callsBack(contact: Contact): boolean {
    void contact;
    return this.placesCallbacks;
  }

  /**
   * The caller's number as a callback would dial it (E.164 with its `+` when the provider gives one
   * without), or the caller id as it came (a withheld or non-phone one is then refused). Default: as it came.
   */
  callerNumber(contact: Contact): string | null {
    return contact.fromAddress;
  }

  /**
   * Calls the customer and, once they answer, puts them through to the operator. Resolves with the
   * provider's id of the outbound call; its outcome is reported back later (answered, not reached).
   */
  callBack(contact: Contact, operator: OperatorRecord, call: OutboundCallback): Promise<string> {
    void operator;
    void call;
    return Promise.reject(unsupported(this.provider, 'call back', contact));
  }

  /** Transfers the call out to an external number (a directory department); centralino's part ends. */
  transfer(contact: Contact, number: string): Promise<void> {
    void number;
    return Promise.reject(unsupported(this.provider, 'transfer', contact));
  }

  /**
   * The queue's rules took a waiting contact out of its queue (its maximum wait): it is now leaving a
   * message (`messaging`) or ended `closed`. Tells the caller now, with the channel's actions for that
   * state. Default: nothing, for a provider that asks again by itself (Twilio's wait URL).
   */
  diverted(contact: Contact): Promise<void> {
    void contact;
    return Promise.resolve();
  }
}

function unsupported(provider: string, what: string, contact: Contact): DomainError {
  return new DomainError('unsupported', `The ${provider} provider cannot ${what} a call yet`, {
    contactId: contact.id,
  });
}

/**
 * The bridges provider adapters registered. A contact whose provider has none (the generic webhook, whose
 * gateway connects the call itself when it sees the operator accept) is a no-op.
 */
@Injectable()
export class CallBridges {
  private readonly logger = new Logger(CallBridges.name);
  private readonly bridges = new Map<string, CallBridge>();

  constructor(private readonly operators: OperatorRepository) {}

  /**
   * Ends the call on the provider's side after centralino ended the contact. Never throws: the contact is
   * already final, and a gateway that polls (no bridge) reads `hangup` from the contact's state.
   */
  async hangUp(contact: Contact): Promise<void> {
    await this.bestEffort(contact, 'hang up', (bridge) => bridge.hangUp(contact));
  }

  /** Puts the call back on hold after a transfer to a queue. Never throws (as `hangUp`). */
  async requeue(contact: Contact): Promise<void> {
    await this.bestEffort(contact, 'requeue', (bridge) => bridge.requeue(contact));
  }

  /** Tells the caller the queue's rules diverted their waiting contact. Never throws (as `hangUp`). */
  async diverted(contact: Contact): Promise<void> {
    await this.bestEffort(contact, 'tell the diversion to', (bridge) => bridge.diverted(contact));
  }

  /**
   * Transfers the call out. Throws (`unsupported`, or the provider's failure) so the operator still has
   * the caller and can choose otherwise; without a bridge (a polling gateway) it reads the transfer from
   * the contact's state.
   */
  async transfer(contact: Contact, number: string): Promise<void> {
    await this.bridges.get(contact.provider)?.transfer(contact, number);
  }

  private async bestEffort(
    contact: Contact,
    what: string,
    work: (bridge: CallBridge) => Promise<void>,
  ): Promise<void> {
    const bridge = this.bridges.get(contact.provider);
    // An SMS conversation shares its provider's bridge but has no call to hang up or hold.
    if (!bridge || contact.channel === 'sms') return;
    try {
      await work(bridge);
    } catch (error) {
      this.logger.error(
        { contactId: contact.id, provider: contact.provider, err: error },
        `Could not ${what} the call`,
      );
    }
  }

  /** The caller's number of a call, as `provider`'s bridge reads it (no bridge: as it came). */
  callerNumber(provider: string | null | undefined, contact: Contact): string | null {
    const bridge = provider ? this.bridges.get(provider) : undefined;
    return bridge ? bridge.callerNumber(contact) : contact.fromAddress;
  }

  /** Whether `provider` has a bridge that places callbacks (for `contact`, when given). */
  canCallBack(provider: string | null | undefined, contact?: Contact): boolean {
    const bridge = provider ? this.bridges.get(provider) : undefined;
    return !!bridge?.placesCallbacks && (!contact || bridge.callsBack(contact));
  }

  /**
   * Places a callback's outbound call through `provider`. Throws when it cannot (no such bridge, the
   * provider refused): the attempt then counts as not reached.
   */
  async callBack(
    provider: string,
    contact: Contact,
    operatorId: string,
    call: OutboundCallback,
  ): Promise<string> {
    const bridge = this.bridges.get(provider);
    if (!bridge?.placesCallbacks) throw unsupported(provider, 'call back', contact);
    const operator = await this.operators.findById(operatorId);
    if (!operator) throw new Error(`operator ${operatorId} does not exist`);
    return bridge.callBack(contact, operator, call);
  }

  register(bridge: CallBridge): void {
    this.bridges.set(bridge.provider, bridge);
  }

  /**
   * Connects the contact to the operator who accepted it. Never throws: the contact is already connected
   * in centralino, and a provider that could not bridge ends the call, whose status callback then ends it.
   */
  async connect(contact: Contact, operatorId: string): Promise<void> {
    const bridge = this.bridges.get(contact.provider);
    if (!bridge) return;
    try {
      const operator = await this.operators.findById(operatorId);
      if (!operator) throw new Error(`operator ${operatorId} does not exist`);
      await bridge.connect(contact, operator);
    } catch (error) {
      this.logger.error(
        { contactId: contact.id, provider: contact.provider, operatorId, err: error },
        'Could not connect the call to the operator',
      );
    }
  }
}
