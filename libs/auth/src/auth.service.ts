import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { verify } from '@node-rs/argon2';
import { DomainError } from '@centralino/contacts';
import { AppConfig } from '@centralino/config';
import { OperatorRecord, OperatorRepository } from '@centralino/persistence';
import { AccessTokenClaims } from './access-token';
import { LoginRateLimiter } from './login-rate-limiter.service';
import { RefreshTokenStore } from './refresh-token.store';
import { TokenVersionStore } from './token-version.store';

/** A fixed argon2id hash, verified when the username is unknown so timing does not reveal accounts. */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1rAUf0qHfMxl0wlqWKnE5qN1y0sZk+e0V2D0SU2Ow7U';

/** What login and refresh answer. */
export interface Session {
  accessToken: string;
  /** Seconds the access token is valid. */
  expiresIn: number;
  /** Single use: POST /auth/refresh returns a new one with the new access token. */
  refreshToken: string;
  refreshExpiresIn: number;
  operator: { id: string; username: string; displayName: string; role: OperatorRecord['role'] };
}

@Injectable()
export class AuthService {
  constructor(
    private readonly operators: OperatorRepository,
    private readonly jwt: JwtService,
    private readonly versions: TokenVersionStore,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly limiter: LoginRateLimiter,
    private readonly config: AppConfig,
  ) {}

  /** Checks the password (at most LOGIN_FAILURES_PER_USER_IP wrong ones per username and IP). */
  async login(username: string, password: string, ip: string): Promise<Session> {
    const name = username.toLowerCase();
    await this.limiter.check(name, ip);
    const operator = await this.operators.findByUsername(name);
    const valid = await verify(operator?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    if (!operator || !operator.passwordHash || !operator.active || !valid) {
      await this.limiter.fail(name, ip);
      throw new DomainError('unauthenticated', 'Wrong username or password');
    }
    await this.limiter.succeed(name, ip);
    return this.session(operator, await this.refreshTokens.issue(operator.id, operator.tokenVersion));
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token (the old one is spent).
   * Refused when the token is unknown, expired or spent, and when the user logged out, got a new
   * password or role, or was disabled since it was issued.
   */
  async refresh(refreshToken: string): Promise<Session> {
    const grant = await this.refreshTokens.redeem(refreshToken);
    if (!grant) {
      throw new DomainError('unauthenticated', 'Invalid refresh token: unknown, expired or already used');
    }
    const current = await this.versions.current(grant.sub);
    const operator = current === grant.ver ? await this.operators.findById(grant.sub) : null;
    if (!operator || !operator.active || operator.tokenVersion !== grant.ver) {
      await this.refreshTokens.revokeFamily(grant.family);
      throw new DomainError(
        'unauthenticated',
        'Invalid refresh token: revoked (logged out or account changed)',
      );
    }
    return this.session(
      operator,
      await this.refreshTokens.issue(operator.id, operator.tokenVersion, grant.family),
    );
  }

  private async session(operator: OperatorRecord, refreshToken: string): Promise<Session> {
    const claims: AccessTokenClaims = {
      sub: operator.id,
      username: operator.username,
      role: operator.role,
      ver: operator.tokenVersion,
    };
    return {
      accessToken: await this.jwt.signAsync(claims),
      expiresIn: this.config.env.JWT_TTL_SECONDS,
      refreshToken,
      refreshExpiresIn: this.refreshTokens.lifetimeSeconds,
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

  /**
   * Logs the user out everywhere: every access and refresh token issued to them so far is refused from
   * now on (both carry the token version this bumps).
   */
  async logout(claims: AccessTokenClaims): Promise<void> {
    await this.versions.publish(claims.sub, await this.operators.bumpTokenVersion(claims.sub));
  }
}
