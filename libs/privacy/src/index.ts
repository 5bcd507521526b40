export * from './erase.dto';
export * from './privacy-cli';
export * from './privacy.module';
export * from './privacy.repository';
export * from './privacy.service';
