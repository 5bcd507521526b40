export * from './generic/generic-signature.verifier';
export * from './inbound-call';
export * from './intake.module';
export * from './intake.service';
