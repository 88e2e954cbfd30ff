/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only: `tsc --noEmit` type-checks once, before jest, in `npm test`.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Snapshots live in the top-level __snapshots__/ folder.
  snapshotResolver: '<rootDir>/test/support/snapshot-resolver.js',
  testTimeout: 180000,
};
