import { DynamicModule, Global, Module } from '@nestjs/common';
import { CustomerNotifier } from '@centralino/chat';
import { OperatorNotifier } from '@centralino/routing';
import { ChatGateway } from './chat.gateway';
import { OperatorGateway } from './operator.gateway';
import { QueueStatsService } from './queue-stats.service';
import { SocketIoCustomerNotifier } from './socket-io-customer.notifier';
import { SocketIoOperatorNotifier } from './socket-io-operator.notifier';
import { SupervisorGateway } from './supervisor.gateway';
import { TodayStatsService } from './today-stats.service';

/** The only module that touches socket.io: gateways (http role) and the notifier every role uses. */
@Global()
@Module({})
export class RealtimeModule {
  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: RealtimeModule,
      providers: [
        { provide: OperatorNotifier, useClass: SocketIoOperatorNotifier },
        { provide: CustomerNotifier, useClass: SocketIoCustomerNotifier },
        ...(options.http
          ? [OperatorGateway, SupervisorGateway, ChatGateway, QueueStatsService, TodayStatsService]
          : []),
      ],
      exports: [OperatorNotifier, CustomerNotifier],
    };
  }
}
