export * from './generic/generic-signature.verifier';
export * from './generic/generic-webhook.dto';
export * from './inbound-call';
export * from './intake.module';
export * from './intake.service';
