import { generateKeyPairSync, KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import type { RecordedRequest } from '../providers/rest-stub';

export interface TelnyxCall {
  call_control_id: string;
  call_session_id: string;
  from: string;
  to: string;
  direction: string;
}

export interface TelnyxCommand {
  action: string;
  body: Record<string, unknown>;
}

/**
 * Plays Telnyx Call Control v2 against a running centralino: events signed exactly as Telnyx signs them
 * (Ed25519 over `timestamp|body`, with a key pair made for the test), and the commands centralino sent
 * for a call read back from the local REST stub standing in for `api.telnyx.com/v2`.
 */
export class TelnyxClient {
  private readonly keys = generateKeyPairSync('ed25519');
  /** TELNYX_PUBLIC_KEY as the Telnyx portal shows it: base64 of the 32 raw key bytes. */
  readonly publicKey = this.keys.publicKey
    .export({ type: 'spki', format: 'der' })
    .subarray(-32)
    .toString('base64');

  constructor(
    public serviceUrl: string,
    private readonly requests: RecordedRequest[],
    private readonly apiPath = '/v2',
  ) {}

  static call(from = '+393331234567'): TelnyxCall {
    return {
      call_control_id: `v3:${randomBytes(12).toString('base64url')}`,
      call_session_id: randomUUID(),
      from,
      to: '+390200000000',
      direction: 'incoming',
    };
  }

  static event(eventType: string, call: TelnyxCall, extra: Record<string, unknown> = {}) {
    return {
      data: {
        id: randomUUID(),
        event_type: eventType,
        occurred_at: new Date().toISOString(),
        record_type: 'event',
        payload: { ...call, ...extra },
      },
      meta: { attempt: 1 },
    };
  }

  /** The contact id in a command's `client_state` (`<contactId>` or `<contactId>:<step>`, base64). */
  static clientState(command: TelnyxCommand): string[] {
    return Buffer.from(String(command.body.client_state), 'base64').toString('utf8').split(':');
  }

  async post(payload: unknown, options: { key?: KeyObject; timestamp?: number } = {}) {
    const body = JSON.stringify(payload);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = sign(
      null,
      Buffer.from(`${timestamp}|${body}`),
      options.key ?? this.keys.privateKey,
    ).toString('base64');
    const response = await fetch(`${this.serviceUrl}/webhooks/telnyx/call-control`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'telnyx-timestamp': timestamp,
        'telnyx-signature-ed25519': signature,
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Posts an event and expects Telnyx's 200 `{}`. */
  async send(eventType: string, call: TelnyxCall, extra: Record<string, unknown> = {}) {
    const reply = await this.post(TelnyxClient.event(eventType, call, extra));
    if (reply.status !== 200) throw new Error(`${eventType} answered ${reply.status}`);
  }

  commands(call: TelnyxCall): TelnyxCommand[] {
    const prefix = `${this.apiPath}/calls/${encodeURIComponent(call.call_control_id)}/actions/`;
    return this.requests
      .filter((request) => request.path.startsWith(prefix))
      .map((request) => ({
        action: request.path.slice(prefix.length),
        body: JSON.parse(request.body) as Record<string, unknown>,
      }));
  }

  /** The commands sent for a call once there are at least `count` (waits for them, on a busy machine too). */
  async commandsAtLeast(call: TelnyxCall, count: number, timeoutMs = 10_000): Promise<TelnyxCommand[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.commands(call).length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const commands = this.commands(call);
    if (commands.length < count) {
      throw new Error(`expected ${count} commands, got ${commands.map((c) => c.action).join(', ')}`);
    }
    return commands;
  }
}
