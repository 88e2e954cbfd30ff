import tearDownTempFolder from '../../support/temp-folder-teardown';

/**
 * Stops the control plane that global-setup.ts started, whatever the tests did; then fails the run if
 * anything is left in its temporary folder, unless CLUSTER_KEEP_LOGS keeps the control plane's logs there.
 */
export default async function globalTeardown(): Promise<void> {
  await globalThis.todoChatbotCluster?.stop();
  globalThis.todoChatbotCluster = undefined;
  if (!process.env.CLUSTER_KEEP_LOGS) tearDownTempFolder();
}
