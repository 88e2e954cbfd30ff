import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ComponentProps } from '../model/context';
import { kubeObject } from '../model/k8s';
import { componentMetadata } from '../model/helpers';
import type { Deployment } from './deployment';

export interface PodDisruptionBudgetProps extends ComponentProps {
  /** The Deployment whose pods the budget covers: its selector. */
  readonly deployment: Deployment;
}

/** Limits how many of a component's pods a node drain may evict at once (`podDisruptionBudget.enabled`). */
export class PodDisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, { ctx, component, deployment }: PodDisruptionBudgetProps) {
    super(scope, id);
    ctx.whenObject({ truthy: `${component}.podDisruptionBudget.enabled` }, () =>
      kubeObject<k8s.KubePodDisruptionBudgetProps>(this, {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: componentMetadata(ctx, component),
        body: {
          spec: {
            maxUnavailable: ctx.values[component].podDisruptionBudget.maxUnavailable,
            // A pod that is not Ready serves nobody: let a drain evict it even when the budget is spent,
            // or one crash-looping pod blocks node maintenance (kube-linter pdb-unhealthy-pod-eviction-policy).
            unhealthyPodEvictionPolicy: 'AlwaysAllow',
            selector: { matchLabels: deployment.selector },
          },
        },
      }),
    );
  }
}
