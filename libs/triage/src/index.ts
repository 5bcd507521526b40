export * from './triage-decision';
export * from './triage.module';
export * from './triage.service';
export * from './triage-reloader.service';
