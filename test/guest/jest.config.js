// The worker count has one home, tier-env.ts (TypeScript: loaded through tsx, a dev dependency).
const { guestWorkers } = require('tsx/cjs/api').require('./_support/tier-env.ts', __filename);

/**
 * The real-guest tier (`npm run test:guests`): boots qemu guests from the Debian golden image with each workload's
 * synthesized user-data and checks that Ready means the load flows. See docs/contributing-integration-tests.md.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/guest'],
  testMatch: ['**/*.guest.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  globalSetup: '<rootDir>/test/guest/global-setup.ts',
  globalTeardown: '<rootDir>/test/guest/global-teardown.ts',
  // guests boot in parallel, one test file per worker; TCG on a shared machine needs minutes per boot
  maxWorkers: guestWorkers(),
  testTimeout: 45 * 60 * 1000,
  slowTestThreshold: 600,
};
