import { Injectable, Logger, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import { AppConfig } from '@centralino/config';
import { Contact } from '@centralino/contacts';
import { OperatorRecord } from '@centralino/persistence';
import { CallBridge, CallBridges } from '@centralino/routing';
import { CallAction, OperatorEndpoint } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { localeOf } from '../call-flow/locales';
import { TelnyxSignatureVerifier } from './telnyx-signature.verifier';

export const TELNYX_PROVIDER = 'telnyx';

/** One Call Control command: `POST {base}/calls/{call_control_id}/actions/{action}`. */
export interface TelnyxCommand {
  action: string;
  body: Record<string, unknown>;
}

/** `client_state` carries the contact id (base64, as Telnyx requires) on every command and event. */
export function encodeClientState(contactId: string): string {
  return Buffer.from(contactId, 'utf8').toString('base64');
}

/**
 * Telnyx Call Control v2: configuration, Ed25519 webhook check, and the command client that turns the
 * neutral call actions into REST commands. Each command carries a `command_id` derived from the event
 * that caused it, so a retried event never executes a command twice.
 *
 * Operator connect: the caller waits in a Telnyx queue named after the problem type; when an operator
 * accepts, the call is `transfer`red to the operator's endpoint (SIP URI or number; a `client:` identity
 * becomes `sip:<identity>@sip.telnyx.com`, a Telnyx credential connection).
 */
@Injectable()
export class TelnyxAdapter extends CallBridge implements OnModuleInit {
  readonly provider = TELNYX_PROVIDER;
  private readonly logger = new Logger(TelnyxAdapter.name);
  private readonly verifier: TelnyxSignatureVerifier | null;

  constructor(
    private readonly config: AppConfig,
    private readonly flow: CallFlow,
    private readonly bridges: CallBridges,
  ) {
    super();
    const { TELNYX_PUBLIC_KEY: key, TELNYX_PUBLIC_KEY_PREVIOUS: previous } = config.env;
    this.verifier = key
      ? new TelnyxSignatureVerifier(previous ? [key, previous] : [key], config.env.WEBHOOK_TOLERANCE_SECONDS)
      : null;
  }

  onModuleInit(): void {
    if (this.verifier && this.config.env.TELNYX_API_KEY) this.bridges.register(this);
  }

  verify(signature: string | undefined, timestamp: string | undefined, rawBody: Buffer | undefined): void {
    if (!this.verifier || !this.config.env.TELNYX_API_KEY) {
      throw new ServiceUnavailableException(
        'Telnyx is not configured: set TELNYX_PUBLIC_KEY and TELNYX_API_KEY',
      );
    }
    this.verifier.verify(signature, timestamp, rawBody);
  }

  /** The commands for a list of neutral actions. */
  commands(actions: CallAction[], clientState: string | undefined): TelnyxCommand[] {
    const state = clientState ? { client_state: clientState } : {};
    return actions.flatMap((action): TelnyxCommand[] => {
      switch (action.type) {
        case 'say':
          return [
            {
              action: 'speak',
              body: { payload: action.text, language: localeOf(action.language), voice: 'female', ...state },
            },
          ];
        case 'gather':
          return [
            {
              action: 'gather_using_speak',
              body: {
                payload: action.prompt?.text ?? '',
                language: localeOf(action.prompt?.language ?? action.language),
                voice: 'female',
                minimum_digits: 1,
                maximum_digits: action.numDigits,
                timeout_millis: action.timeoutSeconds * 1000,
                ...state,
              },
            },
          ];
        case 'enqueue':
          return [{ action: 'enqueue', body: { queue_name: action.queue, ...state } }];
        case 'connect':
          return [
            {
              action: 'transfer',
              body: {
                to: TelnyxAdapter.destination(action.endpoint),
                timeout_secs: action.timeoutSeconds,
                ...state,
              },
            },
          ];
        case 'hangup':
          return [{ action: 'hangup', body: { ...state } }];
        case 'pause':
          return [];
      }
    });
  }

  /** Sends commands in order; `command_id` = `${causeId}:${index}:${action}` makes retries harmless. */
  async send(callControlId: string, commands: TelnyxCommand[], causeId: string): Promise<void> {
    const base = this.config.env.TELNYX_API_BASE_URL.replace(/\/$/, '');
    for (const [index, command] of commands.entries()) {
      const response = await fetch(
        `${base}/calls/${encodeURIComponent(callControlId)}/actions/${command.action}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.config.env.TELNYX_API_KEY}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ ...command.body, command_id: `${causeId}:${index}:${command.action}` }),
          signal: AbortSignal.timeout(5000),
        },
      );
      if (!response.ok) {
        this.logger.warn(
          { callControlId, action: command.action, status: response.status },
          'Telnyx command refused',
        );
      }
    }
  }

  async connect(contact: Contact, operator: OperatorRecord): Promise<void> {
    const commands = this.commands(
      this.flow.connect(contact, operator),
      encodeClientState(contact.id),
    ).filter((command) => command.action !== 'hangup');
    await this.send(contact.externalId, commands, `accept-${contact.id}`);
    this.logger.log(
      { contactId: contact.id, operatorId: operator.id },
      'Telnyx call transferred to the operator',
    );
  }

  static destination(endpoint: OperatorEndpoint): string {
    switch (endpoint.kind) {
      case 'client':
        return `sip:${endpoint.identity}@sip.telnyx.com`;
      case 'sip':
        return endpoint.uri;
      case 'phone':
        return endpoint.number;
    }
  }
}
