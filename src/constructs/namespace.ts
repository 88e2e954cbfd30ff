import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ModelContext } from '../model/context';
import { kubeObject } from '../model/k8s';
import { annotations, labels } from '../model/helpers';
import { POD_SECURITY_MODES, podSecurityLabel } from '../config/metadata';

export interface NamespaceProps {
  readonly ctx: ModelContext;
}

/** The namespace, with Pod Security admission enforcing (and auditing, warning on) "restricted". */
export class Namespace extends Construct {
  constructor(scope: Construct, id: string, { ctx }: NamespaceProps) {
    super(scope, id);
    const podSecurity = Object.fromEntries(POD_SECURITY_MODES.map((mode) => [podSecurityLabel(mode), 'restricted']));
    kubeObject<k8s.KubeNamespaceProps>(this, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ctx.release.namespace, labels: { ...labels(ctx), ...podSecurity }, ...annotations(ctx) },
      body: {},
    });
  }
}
