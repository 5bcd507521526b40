import { DynamicModule, Module } from '@nestjs/common';
import { AccountOwnership } from './accounts/account-ownership.service';
import { ProviderAccountsService } from './accounts/provider-accounts.service';
import { CallFlow } from './call-flow/call-flow.service';
import { VoiceMessageFlow } from './call-flow/voice-message.service';
import { GenericActionsController } from './generic/generic-actions.controller';
import { GenericAdapter } from './generic/generic.adapter';
import { GenericWebhookController } from './generic/generic-webhook.controller';
import { MessageFlow } from './messaging/message-flow.service';
import { TelnyxAdapter } from './telnyx/telnyx.adapter';
import { TelnyxWebhookController } from './telnyx/telnyx.controller';
import { TwilioAdapter } from './twilio/twilio.adapter';
import { TwilioMessagingController } from './twilio/twilio-messaging.controller';
import { TwilioVoiceController } from './twilio/twilio.controller';
import { VonageAdapter } from './vonage/vonage.adapter';
import { VonageVoiceController } from './vonage/vonage.controller';

/**
 * Telephony provider adapters around one neutral call flow. The adapters (CallBridges included) run in
 * every role, since an operator may accept through any process; the webhook controllers need `http`.
 */
@Module({})
export class ProvidersModule {
  static forRoot(options: { http: boolean }): DynamicModule {
    return {
      module: ProvidersModule,
      controllers: options.http
        ? [
            TwilioVoiceController,
            TwilioMessagingController,
            VonageVoiceController,
            TelnyxWebhookController,
            GenericWebhookController,
            GenericActionsController,
          ]
        : [],
      providers: [
        ProviderAccountsService,
        AccountOwnership,
        CallFlow,
        VoiceMessageFlow,
        MessageFlow,
        TwilioAdapter,
        VonageAdapter,
        TelnyxAdapter,
        GenericAdapter,
      ],
      exports: [CallFlow, ProviderAccountsService],
    };
  }
}
