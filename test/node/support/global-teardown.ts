/** Stops the node and the control plane that global-setup.ts started and restores the host, whatever the tests did. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.todoChatbotNode?.stop();
  globalThis.todoChatbotNode = undefined;
}
