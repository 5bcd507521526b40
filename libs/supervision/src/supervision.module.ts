import { Module } from '@nestjs/common';
import { ContactsController } from './contacts.controller';

/** REST read models for operators and supervisors (http role). */
@Module({ controllers: [ContactsController] })
export class SupervisionModule {}
