import { createHash, generateKeyPairSync } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { tokenGenerate } from '@vonage/jwt';
import { DomainError } from '@centralino/contacts';
import { VonageSignatureVerifier } from './vonage-signature.verifier';

const secret = 'vonage-signature-secret-0123456789';
const body = Buffer.from('{"uuid":"63f61863-4a51-4f6b-86e1-46edebcf9356","status":"completed"}');
const now = 1_800_000_000;

function sign(claims: Record<string, unknown>, key = secret): string {
  return `Bearer ${new JwtService().sign(claims, { secret: key, algorithm: 'HS256' })}`;
}

function hash(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('VonageSignatureVerifier', () => {
  const verifier = new VonageSignatureVerifier(secret, 300);
  const claims = { iat: now, jti: 'a1b2', iss: 'Vonage', payload_hash: hash(body), api_key: 'abcd1234' };

  it('accepts a callback signed with the secret whose payload_hash matches the body', () => {
    expect(codeOf(() => verifier.verify(sign(claims), body, now))).toBeUndefined();
    expect(codeOf(() => verifier.verify(sign({ iat: now }), undefined, now))).toBeUndefined();
  });

  it('refuses a missing token, a wrong key, a tampered body and a stale token', () => {
    expect(codeOf(() => verifier.verify(undefined, body, now))).toBe('signature_missing');
    expect(codeOf(() => verifier.verify(sign(claims, 'another-secret-0123456789abcdef'), body, now))).toBe(
      'signature_invalid',
    );
    expect(
      codeOf(() =>
        verifier.verify(sign(claims), Buffer.from(body.toString().replace('completed', 'ringing')), now),
      ),
    ).toBe('signature_invalid');
    expect(codeOf(() => verifier.verify(sign({ iat: now }), body, now))).toBe('signature_invalid');
    expect(codeOf(() => verifier.verify(sign(claims), body, now + 301))).toBe('signature_expired');
    expect(codeOf(() => verifier.verify('Bearer not.a.jwt', body, now))).toBe('signature_invalid');
  });

  it('refuses an application token (RS256) presented as a signed callback', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs256 = tokenGenerate('app-id', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    expect(codeOf(() => verifier.verify(`Bearer ${rs256}`, body, now))).toBe('signature_invalid');
  });
});
