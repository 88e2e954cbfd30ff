/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The control plane, node and peers tiers have runners and configs of their own (npm run test:cluster,
  // npm run test:node, npm run test:peers): npm test stays Node-only.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/', '<rootDir>/test/node/', '<rootDir>/test/peers/'],
  // Transpile only (scripts/transpile.js): the type-check is a test of its own, test/typecheck.test.ts.
  transform: { '^.+\\.ts$': '<rootDir>/test/support/transform.js' },
  // The transform does not instrument code, so `jest --coverage` measures with V8's own coverage.
  coverageProvider: 'v8',
  // Snapshots live in the top-level __snapshots__/ folder.
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
  testTimeout: 180000,
  // Jest's default is one worker per core minus one: a single worker on the 2-core CI machines.
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/support/fast-check-setup.ts'],
  // Jest's transform cache, out of the temporary folder the run checks (its default is in it).
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  // A temporary folder of the run's own, which must be empty at the end: tests clean up after themselves.
  globalSetup: '<rootDir>/test/support/temp-folder-setup.ts',
  globalTeardown: '<rootDir>/test/support/temp-folder-teardown.ts',
};
