import twilio from 'twilio';
import { DomainError } from '@centralino/contacts';

/**
 * Checks `X-Twilio-Signature` with the official helpers: HMAC-SHA1 of the full public URL plus the sorted
 * form fields (`validateRequest`), or, for JSON bodies, of the URL carrying `bodySHA256` plus that hash
 * of the raw body (`validateRequestWithBody`). The URL is the one configured at Twilio, built from
 * PUBLIC_BASE_URL and never from the Host header.
 */
export class TwilioSignatureVerifier {
  constructor(private readonly authToken: string) {}

  verify(
    signature: string | undefined,
    url: string,
    params: Record<string, unknown> | undefined,
    rawBody?: Buffer,
  ): void {
    if (!signature) {
      throw new DomainError('signature_invalid', 'The X-Twilio-Signature header is missing');
    }
    let valid: boolean;
    try {
      valid = new URL(url).searchParams.has('bodySHA256')
        ? twilio.validateRequestWithBody(
            this.authToken,
            signature,
            url,
            (rawBody ?? Buffer.alloc(0)).toString('utf8'),
          )
        : twilio.validateRequest(this.authToken, signature, url, TwilioSignatureVerifier.formParams(params));
    } catch {
      valid = false;
    }
    if (!valid) throw new DomainError('signature_invalid', 'X-Twilio-Signature does not match the request');
  }

  /** The form fields as strings (or lists of strings for repeated fields), as Twilio signed them. */
  static formParams(params: Record<string, unknown> | undefined): Record<string, string | string[]> {
    const result: Record<string, string | string[]> = {};
    if (!params || typeof params !== 'object') return result;
    for (const [key, value] of Object.entries(params)) {
      if (Array.isArray(value)) result[key] = value.map(String);
      else if (value !== undefined && value !== null) result[key] = String(value);
    }
    return result;
  }
}
