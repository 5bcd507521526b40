export * from './call-flow/call-actions';
export * from './call-flow/call-flow.service';
export * from './call-flow/locales';
export * from './call-flow/wait-prompts';
export * from './providers.module';
export * from './twilio/twilio-signature.verifier';
export * from './twilio/twilio.adapter';
export * from './twilio/twilio.renderer';
