import { DynamicModule, Module } from '@nestjs/common';
import { UserAdminService } from './user-admin.service';
import { UsersController } from './users.controller';

/** Administration: users (REST on the http role; the service is also what the CLI uses). */
@Module({})
export class AdminModule {
  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: AdminModule,
      controllers: options.http ? [UsersController] : [],
      providers: [UserAdminService],
      exports: [UserAdminService],
    };
  }
}
