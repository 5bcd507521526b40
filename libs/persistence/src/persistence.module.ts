import { Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { ContactRepository } from './repositories/contact.repository';
import { OperatorEventRepository } from './repositories/operator-event.repository';
import { OperatorRepository } from './repositories/operator.repository';

@Global()
@Module({
  providers: [DatabaseService, ContactRepository, OperatorRepository, OperatorEventRepository],
  exports: [DatabaseService, ContactRepository, OperatorRepository, OperatorEventRepository],
})
export class PersistenceModule {}
