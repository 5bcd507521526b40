import { TriageCli } from './triage-cli';

process.exitCode = new TriageCli({
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
}).run(process.argv.slice(2));
