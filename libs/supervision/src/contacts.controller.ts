import { Controller, Get, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { JwtAuthGuard } from '@centralino/auth';
import { DomainError, maskPhone } from '@centralino/contacts';
import { ContactRepository } from '@centralino/persistence';

/** Read access to a contact and its event log, for consoles, dashboards and audits. */
@Controller('contacts')
@UseGuards(JwtAuthGuard)
export class ContactsController {
  constructor(private readonly contacts: ContactRepository) {}

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const contact = await this.contacts.findById(id);
    if (!contact) throw new DomainError('not_found', `Contact ${id} does not exist`);
    const events = await this.contacts.events(id);
    return {
      ...contact,
      fromAddress: maskPhone(contact.fromAddress),
      events: events.map((event) => ({ type: event.type, at: event.at, data: event.data })),
    };
  }
}
