import { DynamicModule, Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@centralino/config';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { OperatorSyncService } from './operator-sync.service';
import { LoginRateLimiter } from './login-rate-limiter.service';
import { RefreshTokenStore } from './refresh-token.store';
import { TokenVersionStore } from './token-version.store';

@Global()
@Module({})
export class AuthModule {
  /** `seedOperators: false` (the admin CLI) leaves the front-office file's users to the service's start-up. */
  static forRoot(options: { http: boolean; seedOperators?: boolean }): DynamicModule {
    return {
      module: AuthModule,
      imports: [
        JwtModule.registerAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            secret: config.jwtSecret,
            signOptions: { expiresIn: config.env.JWT_TTL_SECONDS },
          }),
        }),
      ],
      controllers: options.http ? [AuthController] : [],
      providers: [
        AuthService,
        ...(options.seedOperators === false ? [] : [OperatorSyncService]),
        JwtAuthGuard,
        TokenVersionStore,
        RefreshTokenStore,
        LoginRateLimiter,
      ],
      exports: [AuthService, JwtAuthGuard, TokenVersionStore],
    };
  }
}
