import twilio from 'twilio';
import { DomainError } from '@centralino/contacts';

/**
 * Checks `X-Twilio-Signature` with the official helpers: HMAC-SHA1 of the full public URL plus the sorted
 * form fields (`validateRequest`), or, for JSON bodies, of the URL carrying `bodySHA256` plus that hash
 * of the raw body (`validateRequestWithBody`). The URL is the one configured at Twilio, built from
 * PUBLIC_BASE_URL and never from the Host header. Several auth tokens can be valid at once (the new and
 * the previous one while rotating): a signature made with any of them is accepted.
 */
export class TwilioSignatureVerifier {
  private readonly authTokens: string[];

  constructor(authTokens: string | string[]) {
    this.authTokens = typeof authTokens === 'string' ? [authTokens] : authTokens;
  }

  verify(
    signature: string | undefined,
    url: string,
    params: Record<string, unknown> | undefined,
    rawBody?: Buffer,
  ): void {
    if (!signature) {
      throw new DomainError('signature_invalid', 'The X-Twilio-Signature header is missing');
    }
    const withBody = URL.canParse(url) && new URL(url).searchParams.has('bodySHA256');
    const form = TwilioSignatureVerifier.formParams(params);
    const valid = this.authTokens.some((authToken) => {
      try {
        return withBody
          ? twilio.validateRequestWithBody(
              authToken,
              signature,
              url,
              (rawBody ?? Buffer.alloc(0)).toString('utf8'),
            )
          : twilio.validateRequest(authToken, signature, url, form);
      } catch {
        return false;
      }
    });
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
