import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ModelContext } from '../model/context';
import { kubeObject } from '../model/k8s';
import { labels } from '../model/helpers';

export interface NamespaceProps {
  readonly ctx: ModelContext;
}

/** The namespace, with Pod Security admission enforcing (and auditing, warning on) "restricted". */
export class Namespace extends Construct {
  constructor(scope: Construct, id: string, { ctx }: NamespaceProps) {
    super(scope, id);
    const podSecurity = Object.fromEntries(
      ['enforce', 'audit', 'warn'].map((mode) => [`pod-security.kubernetes.io/${mode}`, 'restricted']),
    );
    kubeObject<k8s.KubeNamespaceProps>(this, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ctx.release.namespace, labels: { ...labels(ctx), ...podSecurity } },
      body: {},
    });
  }
}
