import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthenticatedRequest, JwtAuthGuard } from '@centralino/auth';
import { ContactRepository, OperatorRepository } from '@centralino/persistence';
import { DomainError } from '@centralino/contacts';
import {
  assignSchema,
  byCallerQuerySchema,
  doneSchema,
  inboxQuerySchema,
  noteSchema,
  openApiSchema,
  previousQuerySchema,
  takeMessageSchema,
} from './department-message.dto';
import { DepartmentMessageService, InboxActor } from './department-message.service';
import { messageView } from './message-view';
import { DepartmentDirectory } from './department-directory';

/**
 * The departments' inboxes (docs/back-office.md). Supervisors and admins see every inbox; an operator
 * sees reception and the departments that list them as members.
 */
@ApiTags('messages')
@ApiBearerAuth()
@Controller('messages')
@UseGuards(JwtAuthGuard)
export class DepartmentMessagesController {
  constructor(
    private readonly messages: DepartmentMessageService,
    private readonly directory: DepartmentDirectory,
    private readonly contacts: ContactRepository,
    private readonly operators: OperatorRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Messages of the inboxes the user may see, newest first, filtered' })
  @ApiQuery({
    name: 'department',
    required: false,
    description: 'An inbox id (a directory department, or reception)',
  })
  @ApiQuery({
    name: 'status',
    required: false,
    description: 'new, assigned, answered, done; several comma-separated',
  })
  @ApiQuery({ name: 'urgency', required: false, enum: ['normal', 'urgent'] })
  @ApiQuery({ name: 'from', required: false, description: 'Created at or after (ISO 8601)' })
  @ApiQuery({ name: 'to', required: false, description: 'Created before (ISO 8601)' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  async list(@Req() request: AuthenticatedRequest, @Query() query: unknown) {
    const { status, ...filters } = inboxQuerySchema.parse(query ?? {});
    return { messages: await this.messages.list(request.user, { ...filters, statuses: status }) };
  }

  @Get('inboxes')
  @ApiOperation({ summary: 'The inboxes the user may see (id and name)' })
  inboxes(@Req() request: AuthenticatedRequest) {
    return { inboxes: this.messages.inboxes(request.user) };
  }

  @Get('by-caller')
  @ApiOperation({
    summary: "Status of a caller's previous messages (latest first), for the console when they call again",
  })
  @ApiQuery({ name: 'address', required: true, description: 'The caller address (phone number) as received' })
  @ApiQuery({ name: 'limit', required: false, description: '1-50, default 5' })
  async byCaller(@Query() query: unknown) {
    const { address, limit } = byCallerQuerySchema.parse(query ?? {});
    return { messages: await this.messages.previousMessages(address, limit) };
  }

  @Get('previous')
  @ApiOperation({
    summary:
      "Status of the messages this contact's caller left before (not this contact's), for the operator console",
  })
  @ApiQuery({ name: 'contactId', required: true, description: 'The contact being handled' })
  @ApiQuery({ name: 'limit', required: false, description: '1-50, default 5' })
  async previous(@Query() query: unknown) {
    const { contactId, limit } = previousQuerySchema.parse(query ?? {});
    const contact = await this.contacts.findById(contactId);
    if (!contact) throw new DomainError('not_found', `Contact ${contactId} does not exist`);
    return { messages: await this.messages.previousMessages(contact.fromAddress, limit, contactId) };
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Take a message for a contact (operator): stored once per contact through the DepartmentMessageSink, then delivered',
  })
  @ApiBody({ schema: openApiSchema(takeMessageSchema) })
  async take(@Req() request: AuthenticatedRequest, @Body() body: unknown) {
    const input = takeMessageSchema.parse(body ?? {});
    const contact = await this.contacts.findById(input.contactId);
    if (!contact) throw new DomainError('not_found', `Contact ${input.contactId} does not exist`);
    const { created, message } = await this.messages.store({
      contactId: contact.id,
      source: 'operator',
      recipientId: input.recipientId,
      callerAddress: contact.fromAddress,
      callerName: input.callerName,
      callbackAddress: input.callbackAddress,
      problemType: contact.problemType,
      language: contact.language,
      text: input.text,
      urgency: input.urgency,
      takenBy: request.user.username,
      takenAt: new Date(),
    });
    return { duplicate: !created, message: messageView(this.directory, message) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A message with its reply notes and deliveries' })
  @ApiParam({ name: 'id', format: 'uuid' })
  get(@Req() request: AuthenticatedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.messages.get(request.user, id);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign the message to an operator (username) or a person of the directory' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(assignSchema) })
  async assign(
    @Req() request: AuthenticatedRequest,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    const { assignee } = assignSchema.parse(body ?? {});
    return this.messages.assign(await this.actor(request), id, assignee);
  }

  @Post(':id/notes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a reply note (author and time recorded); the message becomes answered' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(noteSchema) })
  async note(
    @Req() request: AuthenticatedRequest,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    const { text } = noteSchema.parse(body ?? {});
    return this.messages.reply(await this.actor(request), id, text);
  }

  @Post(':id/done')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the message done, with an optional closing note' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(doneSchema), required: false })
  async done(
    @Req() request: AuthenticatedRequest,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ) {
    const { note } = doneSchema.parse(body ?? {});
    return this.messages.done(await this.actor(request), id, note);
  }

  private async actor(request: AuthenticatedRequest): Promise<InboxActor> {
    const operator = await this.operators.findById(request.user.sub);
    return {
      id: request.user.sub,
      username: request.user.username,
      role: request.user.role,
      displayName: operator?.displayName ?? request.user.username,
    };
  }
}
