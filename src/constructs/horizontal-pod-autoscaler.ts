import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ComponentProps } from '../model/context';
import { kubeObject } from '../model/k8s';
import { componentMetadata } from '../model/helpers';
import type { Deployment } from './deployment';

export interface HorizontalPodAutoscalerProps extends ComponentProps {
  /** The Deployment it scales. */
  readonly deployment: Deployment;
}

/** Scales a component's Deployment on CPU use (`autoscaling.enabled`); the Deployment then omits `replicas`. */
export class HorizontalPodAutoscaler extends Construct {
  constructor(scope: Construct, id: string, { ctx, component, deployment }: HorizontalPodAutoscalerProps) {
    super(scope, id);
    const autoscaling = ctx.values[component].autoscaling;
    ctx.whenObject({ truthy: `${component}.autoscaling.enabled` }, () =>
      kubeObject<k8s.KubeHorizontalPodAutoscalerV2Props>(this, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: componentMetadata(ctx, component),
        body: {
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name },
            minReplicas: autoscaling.minReplicas,
            maxReplicas: autoscaling.maxReplicas,
            metrics: [
              {
                type: 'Resource',
                resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage } },
              },
            ],
          },
        },
      }),
    );
  }
}
