// One jest config, two projects: unit specs beside the code, and e2e tests in test/ that drive a
// running service over real HTTP/socket.io against real Redis and a real database.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];
// NestJS 12 ships ES modules; jest's CommonJS runtime needs them compiled (Node itself uses require(esm)).
const esmPackages = ['@nestjs', 'file-type', 'strtok3', 'token-types', 'uint8array-extras', '@tokenizer', 'load-esm', 'eld', 'uuid', 'content-disposition'];
const { compilerOptions } = require('./tsconfig.json');
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('*', '(.*)')}$`,
    `<rootDir>/${target.replace('./', '').replace('*', '$1')}`,
  ]),
);
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
};
module.exports = {
  // Three files at a time even on a 2-core machine (jest would run one): the e2e files spend much of their
  // time waiting on sockets, Redis, PostgreSQL and timers. The whole suite (with the worker recycling
  // below): 428 s with 2, 331 s with 3.
  maxWorkers: 3,
  // A worker keeps what each file leaves behind (~70 MB of heap per e2e file: a whole Nest application
  // graph per file that is never collected) and slows down as it grows: late in a run a file took ten times
  // as long as on its own (audit-log: 48 s instead of 4). Recycling the worker once its heap passes this
  // costs a process start (~1 s) every few files. 300 MB (every two or three e2e files) rather than 512 MB:
  // the time files spend outside their tests fell from 648 s to 389 s over the suite, user CPU the same.
  workerIdleMemoryLimit: '300MB',
  // Generous: a hook that starts a service (or a browser) must not time out on a loaded 2-core machine.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
