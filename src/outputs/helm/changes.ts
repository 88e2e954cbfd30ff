/*
 * What each chart version changed, for Artifact Hub (`artifacthub.io/changes` in Chart.yaml): the
 * current version must have its entry (test/chart-source.test.ts), so a release says what it brings.
 * Kinds are Artifact Hub's: added, changed, deprecated, removed, fixed, security.
 */
export interface Change {
  readonly kind: 'added' | 'changed' | 'deprecated' | 'removed' | 'fixed' | 'security';
  readonly description: string;
}

export const CHANGES: Readonly<Record<string, readonly Change[]>> = {
  '0.2.1': [
    { kind: 'fixed', description: 'Two items of one extraVolumes volume (configMap, secret or downwardAPI) on one path, or one inside the other, are refused: the kubelet would write one over the other, or fail to mount the volume' },
    { kind: 'changed', description: 'A downwardAPI item needs fieldRef.apiVersion: v1. The API server fills it in otherwise, inside a list kubectl apply replaces whole, so every later kubectl apply reported the Deployment changed' },
  ],
  '0.2.0': [
    { kind: 'added', description: 'commonLabels, commonAnnotations and global.imageRegistry; per component podLabels, podAnnotations, nodeSelector, tolerations, affinity, priorityClassName, extraVolumes, extraVolumeMounts and serviceAccount.annotations; frontend.ingress.annotations' },
    { kind: 'added', description: 'The chart works as a subchart of an umbrella chart (global is allowed)' },
    { kind: 'added', description: 'Rolling update, preStop pause and grace period settings; an optional kagent Agent (aiops.kagent)' },
    { kind: 'changed', description: 'Keys added since 0.1.0 are not required and read with their defaults, so helm upgrade --reuse-values from 0.1.0 works' },
  ],
};
