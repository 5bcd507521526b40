import { Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { ChatTranscriptRepository } from './repositories/chat-transcript.repository';
import { ContactRepository } from './repositories/contact.repository';
import { OperatorEventRepository } from './repositories/operator-event.repository';
import { OperatorRepository } from './repositories/operator.repository';

@Global()
@Module({
  providers: [
    DatabaseService,
    ContactRepository,
    OperatorRepository,
    OperatorEventRepository,
    ChatTranscriptRepository,
  ],
  exports: [
    DatabaseService,
    ContactRepository,
    OperatorRepository,
    OperatorEventRepository,
    ChatTranscriptRepository,
  ],
})
export class PersistenceModule {}
