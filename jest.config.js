// Jest in native ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by `npm test`).
// ts-jest transpiles each file on its own; `npm test` type-checks the whole tree first.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30000,
  // Builds dist/ once for the suites that run `node dist/…`; see the file.
  globalSetup: '<rootDir>/test/support/build-once.ts',
};
