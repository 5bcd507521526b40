import { DynamicModule, Global, Module } from '@nestjs/common';
import { DepartmentMessageSink } from '@centralino/contacts';
import { DeadLettersController } from './dead-letters.controller';
import { DeliveriesProcessor } from './deliveries.processor';
import { DeliveryQueue } from './delivery-queue';
import { DepartmentDirectory } from './department-directory';
import { DepartmentMessageRepository } from './department-message.repository';
import { DepartmentMessageService } from './department-message.service';
import { DepartmentMessagesController } from './department-messages.controller';
import { MailSender } from './mail-sender';
import { MessageDeliveryService } from './message-delivery.service';
import { WebhookSender } from './webhook-sender';

/**
 * The back office: department messages (the `DepartmentMessageSink` port, provided to every module),
 * the departments' inboxes (http role) and the deliveries to their tools (worker role runs the jobs).
 */
@Global()
@Module({})
export class BackOfficeModule {
  static forRoot(options: { http: boolean; worker: boolean }): DynamicModule {
    return {
      module: BackOfficeModule,
      controllers: options.http ? [DepartmentMessagesController, DeadLettersController] : [],
      providers: [
        DepartmentDirectory,
        DepartmentMessageRepository,
        DeliveryQueue,
        WebhookSender,
        MailSender,
        MessageDeliveryService,
        DepartmentMessageService,
        { provide: DepartmentMessageSink, useExisting: DepartmentMessageService },
        ...(options.worker ? [DeliveriesProcessor] : []),
      ],
      exports: [
        DepartmentMessageSink,
        DepartmentMessageService,
        MessageDeliveryService,
        ...(options.worker ? [DeliveriesProcessor] : []),
      ],
    };
  }
}
