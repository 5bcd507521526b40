import { generateKeyPairSync, sign } from 'node:crypto';
import { DomainError } from '@centralino/contacts';
import { TelnyxSignatureVerifier } from './telnyx-signature.verifier';

const now = 1_800_000_000;
const body = Buffer.from('{"data":{"id":"0ccc7b54","event_type":"call.hangup"}}');

function keys() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64');
  return { raw, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('TelnyxSignatureVerifier', () => {
  const { raw, pem, privateKey } = keys();
  const signed = (data: Buffer, at = now, key = privateKey) =>
    sign(null, Buffer.concat([Buffer.from(`${at}|`), data]), key).toString('base64');

  it('accepts a body signed with the key, given as base64 or PEM', () => {
    for (const key of [raw, pem]) {
      const verifier = new TelnyxSignatureVerifier(key, 300);
      expect(codeOf(() => verifier.verify(signed(body), String(now), body, now))).toBeUndefined();
    }
  });

  it('refuses a wrong key, a tampered body, a stale timestamp and missing headers', () => {
    const verifier = new TelnyxSignatureVerifier(raw, 300);
    const other = keys();
    expect(codeOf(() => verifier.verify(signed(body, now, other.privateKey), String(now), body, now))).toBe(
      'signature_invalid',
    );
    expect(codeOf(() => verifier.verify(signed(body), String(now), Buffer.from(`${body}x`), now))).toBe(
      'signature_invalid',
    );
    expect(codeOf(() => verifier.verify(signed(body, now - 301), String(now - 301), body, now))).toBe(
      'signature_expired',
    );
    expect(codeOf(() => verifier.verify(signed(body), String(now + 1), body, now))).toBe('signature_invalid');
    expect(codeOf(() => verifier.verify(undefined, String(now), body, now))).toBe('signature_missing');
    expect(codeOf(() => verifier.verify(signed(body), 'soon', body, now))).toBe('signature_expired');
  });
});
