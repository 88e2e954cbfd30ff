import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ComponentProps } from '../model/context';
import { kubeObject } from '../model/k8s';
import { componentMetadata } from '../model/helpers';

export type ServiceAccountProps = ComponentProps;

/** A component's own identity, with no API token mounted: neither app talks to the Kubernetes API. */
export class ServiceAccount extends Construct {
  constructor(scope: Construct, id: string, { ctx, component }: ServiceAccountProps) {
    super(scope, id);
    kubeObject<k8s.KubeServiceAccountProps>(this, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: componentMetadata(ctx, component, { path: `${component}.serviceAccount.annotations`, entries: ctx.values[component].serviceAccount.annotations }),
      body: { automountServiceAccountToken: false },
    });
  }
}
