/**
 * The control plane tier (`npm run test:cluster`): scenarios run against a real kube-apiserver, controller
 * manager and scheduler, with kwok as the kubelet. test/cluster/run.sh runs it once per pinned Kubernetes
 * release; on its own it uses the newest (or CLUSTER_KUBERNETES_MINOR).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/transform.js' },
  globalSetup: '<rootDir>/test/cluster/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/cluster/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/fast-check-setup.ts'],
  // One cluster, one scenario at a time: the scenarios follow README's commands, with README's names.
  maxWorkers: 1,
  testTimeout: 600000,
};
