import { XMLParser } from 'fast-xml-parser';
import twilio from 'twilio';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

export interface TwimlReply {
  status: number;
  contentType: string | null;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed TwiML, asserted field by field
  twiml: any;
}

/**
 * Posts form fields to a Twilio webhook of a running centralino, signed exactly as Twilio signs them
 * (the official package's helper over PUBLIC_BASE_URL + path), and parses the TwiML (or JSON error).
 */
export class TwilioClient {
  constructor(
    readonly serviceUrl: string,
    readonly publicBaseUrl: string,
    readonly authToken: string,
  ) {}

  async post(
    path: string,
    params: Record<string, string>,
    options: { token?: string; signature?: string | null; headers?: Record<string, string> } = {},
  ): Promise<TwimlReply> {
    const signature =
      options.signature === undefined
        ? twilio.getExpectedTwilioSignature(
            options.token ?? this.authToken,
            `${this.publicBaseUrl}${path}`,
            params,
          )
        : options.signature;
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      ...options.headers,
    };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    const response = await fetch(`${this.serviceUrl}${path}`, {
      method: 'POST',
      headers,
      body: new URLSearchParams(params).toString(),
    });
    const text = await response.text();
    const isXml = response.headers.get('content-type')?.includes('xml') ?? false;
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
      twiml: isXml ? xml.parse(text) : JSON.parse(text),
    };
  }

  /** The text of each `<Message>` of a MessagingResponse (none: an empty `<Response/>`). */
  static messages(reply: TwimlReply): string[] {
    const message = (reply.twiml as { Response?: { Message?: unknown } }).Response?.Message;
    if (message === undefined) return [];
    return (Array.isArray(message) ? message : [message]).map(String);
  }
}
