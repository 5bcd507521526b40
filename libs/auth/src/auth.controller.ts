import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import { AuthenticatedRequest, JwtAuthGuard } from './jwt-auth.guard';
import type { FastifyRequest } from 'fastify';
import { loginSchema, refreshSchema } from './login.dto';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /**
   * Exchanges a username and password for a short-lived JWT access token (REST and the consoles'
   * sockets) and a refresh token. Too many wrong passwords for one username from one address: 429.
   */
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Log in: access token (JWT_TTL_SECONDS) and refresh token; 429 with Retry-After after repeated failures',
  })
  login(@Req() request: FastifyRequest, @Body() body: unknown) {
    const { username, password } = loginSchema.parse(body ?? {});
    return this.auth.login(username, password, request.ip);
  }

  /** A new access token before the current one expires; the refresh token is rotated (single use). */
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new access token and a new refresh token (the old one is spent)',
  })
  refresh(@Body() body: unknown) {
    const { refreshToken } = refreshSchema.parse(body ?? {});
    return this.auth.refresh(refreshToken);
  }

  /** Revokes every access token of the caller (all their sessions), e.g. the console's log-out button. */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Log out: every access and refresh token of the caller is refused from now on (all sessions)',
  })
  async logout(@Req() request: AuthenticatedRequest): Promise<void> {
    await this.auth.logout(request.user);
  }
}
