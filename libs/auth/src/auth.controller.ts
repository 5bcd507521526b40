import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import { AuthenticatedRequest, JwtAuthGuard } from './jwt-auth.guard';
import { loginSchema } from './login.dto';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Exchanges a username and password for a JWT access token used by the consoles' sockets. */
  @Post('login')
  @HttpCode(200)
  login(@Body() body: unknown) {
    const { username, password } = loginSchema.parse(body ?? {});
    return this.auth.login(username, password);
  }

  /** Revokes every access token of the caller (all their sessions), e.g. the console's log-out button. */
  @Post('logout')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Log out: every access token of the caller is refused from now on (all sessions)',
  })
  async logout(@Req() request: AuthenticatedRequest): Promise<void> {
    await this.auth.logout(request.user);
  }
}
