import { Injectable, Logger } from '@nestjs/common';
import { Contact } from '@centralino/contacts';
import { OperatorRecord, OperatorRepository } from '@centralino/persistence';

/**
 * The port through which routing connects an accepted contact to its operator on the provider's side
 * (a Twilio REST call update, a Vonage transfer, a Telnyx bridge...). One per provider, keyed by
 * `contact.provider`; routing never knows a provider's API.
 */
export abstract class CallBridge {
  abstract readonly provider: string;
  abstract connect(contact: Contact, operator: OperatorRecord): Promise<void>;
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
