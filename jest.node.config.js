/**
 * The node tier (`npm run test:node`): the app's pods on a real worker node (containerd, runc, CNI
 * bridge, kubelet, kube-proxy, CoreDNS) beside a real control plane. test/node/run.sh runs it once per
 * pinned Kubernetes release; on its own it uses the newest (or CLUSTER_KUBERNETES_MINOR). Linux, as root.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/node'],
  testMatch: ['**/*.node.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/support/transform.js' },
  globalSetup: '<rootDir>/test/node/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/node/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/fast-check-setup.ts'],
  // One node, one scenario at a time: the scenarios follow README's commands, with README's names.
  maxWorkers: 1,
  testTimeout: 600000,
};
