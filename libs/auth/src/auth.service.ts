import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { verify } from '@node-rs/argon2';
import { DomainError } from '@centralino/contacts';
import { OperatorRepository } from '@centralino/persistence';
import { AccessTokenClaims } from './access-token';
import { TokenVersionStore } from './token-version.store';

/** A fixed argon2id hash, verified when the username is unknown so timing does not reveal accounts. */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1rAUf0qHfMxl0wlqWKnE5qN1y0sZk+e0V2D0SU2Ow7U';

@Injectable()
export class AuthService {
  constructor(
    private readonly operators: OperatorRepository,
    private readonly jwt: JwtService,
    private readonly versions: TokenVersionStore,
  ) {}

  async login(username: string, password: string) {
    const operator = await this.operators.findByUsername(username.toLowerCase());
    const valid = await verify(operator?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    if (!operator || !operator.passwordHash || !operator.active || !valid) {
      throw new DomainError('unauthenticated', 'Wrong username or password');
    }
    const claims: AccessTokenClaims = {
      sub: operator.id,
      username: operator.username,
      role: operator.role,
      ver: operator.tokenVersion,
    };
    return {
      accessToken: await this.jwt.signAsync(claims),
      operator: {
        id: operator.id,
        username: operator.username,
        displayName: operator.displayName,
        role: operator.role,
      },
    };
  }

  /**
   * Verifies an access token (signature, expiry, and that it was not revoked: its version is the user's
   * current one and the user is active); throws `unauthenticated` with the reason otherwise. The HTTP
   * guard and the socket.io handshakes both come here.
   */
  async verify(token: string | undefined): Promise<AccessTokenClaims> {
    if (!token) throw new DomainError('unauthenticated', 'An access token is required');
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch (error) {
      throw new DomainError('unauthenticated', `Invalid access token: ${(error as Error).message}`);
    }
    const current = await this.versions.current(claims.sub);
    if (current === null || (claims.ver ?? 0) !== current) {
      throw new DomainError(
        'unauthenticated',
        'Invalid access token: revoked (logged out or account changed)',
      );
    }
    return claims;
  }

  /** Logs the user out everywhere: every access token issued to them so far is refused from now on. */
  async logout(claims: AccessTokenClaims): Promise<void> {
    await this.versions.publish(claims.sub, await this.operators.bumpTokenVersion(claims.sub));
  }
}
