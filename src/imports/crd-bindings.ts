/**
 * The CRDs whose bindings `imports/` holds, and the one version of each that we emit. Group and kind are
 * repeated here (a test checks them against the file) so telling a custom resource from a Kubernetes
 * object costs no parse of a megabyte of CRD.
 */
export const IMPORTED_CRDS = [{ file: 'crds/kagent-v0.9.12/kagent.dev_agents.yaml', group: 'kagent.dev', kind: 'Agent', version: 'v1alpha2' }] as const;
