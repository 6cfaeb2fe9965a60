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
  // the one home of the guest worker count (test/guest/_support/tier-env.ts reads it from here)
  maxWorkers: Math.max(1, Number(process.env.VIRTWORK_GUEST_WORKERS || 4)),
  testTimeout: 45 * 60 * 1000,
  slowTestThreshold: 600,
};
