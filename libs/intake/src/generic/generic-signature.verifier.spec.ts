import { DomainError } from '@centralino/contacts';
import { GenericSignatureVerifier } from './generic-signature.verifier';

const secret = 'whsec_0123456789abcdef0123';
const body = Buffer.from('{"id":"evt_1","type":"call.started"}');
const now = 1_800_000_000;

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('GenericSignatureVerifier', () => {
  const verifier = new GenericSignatureVerifier([secret], 300);

  it('accepts a body signed with the secret', () => {
    expect(
      codeOf(() => verifier.verify(GenericSignatureVerifier.header(secret, body, now), body, now)),
    ).toBeUndefined();
  });

  it('accepts any of several v1 signatures and any of several secrets (rotation)', () => {
    const rotated = new GenericSignatureVerifier(['whsec_old_000000000000000', secret], 300);
    const header = `t=${now},v1=${'0'.repeat(64)},v1=${GenericSignatureVerifier.sign(secret, body, now)}`;
    expect(codeOf(() => rotated.verify(header, body, now))).toBeUndefined();
  });

  it('refuses a missing header, a tampered body, a wrong secret and a stale timestamp', () => {
    expect(codeOf(() => verifier.verify(undefined, body, now))).toBe('signature_missing');
    const header = GenericSignatureVerifier.header(secret, body, now);
    expect(codeOf(() => verifier.verify(header, Buffer.from(body.toString().replace('1', '2')), now))).toBe(
      'signature_invalid',
    );
    expect(
      codeOf(() =>
        verifier.verify(GenericSignatureVerifier.header('whsec_wrong_0000000000000', body, now), body, now),
      ),
    ).toBe('signature_invalid');
    expect(codeOf(() => verifier.verify(header, body, now + 301))).toBe('signature_expired');
    expect(codeOf(() => verifier.verify('garbage', body, now))).toBe('signature_invalid');
  });
});
