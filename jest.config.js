/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  // @kubernetes/client-node 1.x is ESM-only. Node 20.19+ loads it with a plain require(), jest's module
  // loader does not: route it through a shim that uses Node's own require (see docs/contributing.md).
  moduleNameMapper: { '^@kubernetes/client-node$': '<rootDir>/test/support/client-node-native.js' },
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 60000,
};
