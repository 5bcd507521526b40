import { Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { ContactRepository } from './repositories/contact.repository';
import { OperatorRepository } from './repositories/operator.repository';

@Global()
@Module({
  providers: [DatabaseService, ContactRepository, OperatorRepository],
  exports: [DatabaseService, ContactRepository, OperatorRepository],
})
export class PersistenceModule {}
