import twilio from 'twilio';
import { DomainError } from '@centralino/contacts';
import { TwilioSignatureVerifier } from './twilio-signature.verifier';

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('TwilioSignatureVerifier', () => {
  // Twilio's published example (docs: "Validating requests are coming from Twilio").
  const token = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  };
  const published = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

  it('accepts the published test vector', () => {
    expect(codeOf(() => new TwilioSignatureVerifier(token).verify(published, url, params))).toBeUndefined();
  });

  it('refuses a missing signature, a tampered field, another URL and another token', () => {
    const verifier = new TwilioSignatureVerifier(token);
    expect(codeOf(() => verifier.verify(undefined, url, params))).toBe('signature_invalid');
    expect(codeOf(() => verifier.verify(published, url, { ...params, Digits: '1235' }))).toBe(
      'signature_invalid',
    );
    expect(
      codeOf(() => verifier.verify(published, 'https://evil.example/myapp.php?foo=1&bar=2', params)),
    ).toBe('signature_invalid');
    expect(codeOf(() => new TwilioSignatureVerifier('54321').verify(published, url, params))).toBe(
      'signature_invalid',
    );
    expect(codeOf(() => verifier.verify('garbage', 'not a url', params))).toBe('signature_invalid');
  });

  it('supports the JSON-body variant (bodySHA256 in the URL)', () => {
    const body = '{"property": "value", "boolean": true}';
    const signedUrl = `https://mycompany.com/myapp?bodySHA256=${twilio.getExpectedBodyHash(body)}`;
    const signature = twilio.getExpectedTwilioSignature(token, signedUrl, {});
    const verifier = new TwilioSignatureVerifier(token);
    expect(codeOf(() => verifier.verify(signature, signedUrl, undefined, Buffer.from(body)))).toBeUndefined();
    expect(
      codeOf(() =>
        verifier.verify(signature, signedUrl, undefined, Buffer.from(body.replace('true', 'false'))),
      ),
    ).toBe('signature_invalid');
  });
});
