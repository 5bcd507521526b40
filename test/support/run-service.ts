// Runs centralino as a separate process for tests that need several processes (roles, SIGKILL).
// Started by ServiceProcess with `node -r @swc-node/register`; prints one READY line with its URL.
import { startCentralino } from '../../apps/centralino/src/bootstrap';

startCentralino(process.env)
  .then(({ url, stop }) => {
    process.stdout.write(`READY ${url ?? '-'}\n`);
    process.on('SIGTERM', () => {
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  })
  .catch((error: Error) => {
    process.stderr.write(`FAILED ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
