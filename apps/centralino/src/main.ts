import { ConfigError } from '@centralino/config';
import { startCentralino } from './bootstrap';

// The one place the process environment enters centralino; AppConfig validates it.
// eslint-disable-next-line no-restricted-properties
startCentralino(process.env)
  .then(({ url, config, stop }) => {
    const roles = [...config.roles].join(', ');
    process.stdout.write(
      `centralino is running (${roles})${url ? ` on ${url.replace('127.0.0.1', 'localhost')}` : ''}\n`,
    );
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      const timer = setTimeout(() => process.exit(1), config.env.SHUTDOWN_TIMEOUT_MS).unref();
      stop()
        .then(() => {
          clearTimeout(timer);
          process.stdout.write(`centralino stopped (${signal})\n`);
          process.exit(0);
        })
        .catch(() => process.exit(1));
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  })
  .catch((error: Error) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : (error.stack ?? error.message)}\n`,
    );
    process.exit(1);
  });
