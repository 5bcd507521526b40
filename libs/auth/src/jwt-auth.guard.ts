import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@centralino/contacts';
import { AccessTokenClaims, Role } from './access-token';
import { AuthService } from './auth.service';

const ROLES_KEY = 'centralino:roles';

/**
 * Restricts a route to these roles (any authenticated user when absent). The roles also appear in the
 * OpenAPI document as `x-roles`, which the role-check e2e test reads to call every restricted route.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension('x-roles', roles));

export type AuthenticatedRequest = FastifyRequest & { user: AccessTokenClaims };

/** Requires a valid bearer access token, and one of the route's roles if it names any. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    request.user = await this.auth.verify(token);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && !roles.includes(request.user.role)) {
      throw new DomainError('forbidden', `This needs one of the roles: ${roles.join(', ')}`);
    }
    return true;
  }
}
