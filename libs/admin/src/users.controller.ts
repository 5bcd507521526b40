import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuthenticatedRequest, JwtAuthGuard, Roles } from '@centralino/auth';
import { UserAdminService } from './user-admin.service';
import { createUserSchema, setPasswordSchema, updateUserSchema, usernameSchema } from './users.dto';

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

/** Admins manage users (operators, supervisors, admins) beyond the front-office file. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/users')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UserAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Every user, active or not, by username (never password hashes)' })
  async list() {
    return { users: await this.users.list() };
  }

  @Post()
  @ApiOperation({ summary: 'Create a user; 409 when the username is taken' })
  @ApiBody({ schema: jsonSchema(createUserSchema) })
  create(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    return this.users.create(request.user, createUserSchema.parse(body ?? {}));
  }

  @Patch(':username')
  @ApiOperation({
    summary: 'Change a user: profile, role, skills, languages, team, capacity; active: false disables',
  })
  @ApiParam({ name: 'username' })
  @ApiBody({ schema: jsonSchema(updateUserSchema) })
  update(@Req() request: AuthenticatedRequest, @Param('username') username: string, @Body() body: unknown) {
    return this.users.update(
      request.user,
      usernameSchema.parse(username),
      updateUserSchema.parse(body ?? {}),
    );
  }

  @Post(':username/password')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a user's password; their access tokens are revoked" })
  @ApiParam({ name: 'username' })
  @ApiBody({ schema: jsonSchema(setPasswordSchema) })
  setPassword(
    @Req() request: AuthenticatedRequest,
    @Param('username') username: string,
    @Body() body: unknown,
  ) {
    const { password } = setPasswordSchema.parse(body ?? {});
    return this.users.setPassword(request.user, usernameSchema.parse(username), password);
  }
}
