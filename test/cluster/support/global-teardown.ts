/** Stops the control plane that global-setup.ts started, whatever the tests did. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.todoChatbotCluster?.stop();
  globalThis.todoChatbotCluster = undefined;
}
