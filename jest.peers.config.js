/**
 * The peers tier (`npm run test:peers`): kube-linter, kube-score and checkov, pinned and installed by
 * test/peers/install.sh (test/peers/run.sh hands their paths over in PEER_* variables), judge every
 * output, and our policy rules agree with them on outputs broken on purpose.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/peers'],
  testMatch: ['**/*.peers.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/transform.js' },
  testTimeout: 300000,
  // A temporary folder of the run's own, which must be empty at the end, as in npm test.
  globalSetup: '<rootDir>/test/support/temp-folder-setup.ts',
  globalTeardown: '<rootDir>/test/support/temp-folder-teardown.ts',
};
