/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The control plane tier has a runner and a config of its own (npm run test:cluster): npm test stays Node-only.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  // Transpile only: `tsc --noEmit` type-checks once, before jest, in `npm test`.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Snapshots live in the top-level __snapshots__/ folder.
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
  testTimeout: 180000,
  // Jest's default is one worker per core minus one: a single worker on the 2-core CI machines.
  maxWorkers: 2,
  setupFiles: ['<rootDir>/test/support/fast-check-setup.ts'],
};
