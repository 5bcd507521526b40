import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AuthService } from './auth.service';
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
}
