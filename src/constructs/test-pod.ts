import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Component } from '../config/schema';
import type { ModelContext } from '../model/context';
import { kubeObject } from '../model/k8s';
import { HELM_TEST_ANNOTATIONS } from '../config/metadata';
import { componentName, imageReference, labels, suffixedName } from '../model/helpers';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security';

export interface HelmTestPodProps {
  readonly ctx: ModelContext;
  /** The component whose Service the pod calls on its readiness path. */
  readonly target: Component;
}

// busybox's "nobody": any non-zero uid works for wget.
const NOBODY = 65534;

// A few tries, 2 s apart: a new pod's first connection may come before the network plugin has let its
// address through the NetworkPolicies (seen with kube-router on the node tier); a Service that is down
// still fails the test within a minute. The URL is the script's $0, never spliced into the script.
const FETCH_WITH_RETRIES = 'for attempt in 1 2 3 4 5; do wget -q -O - -T 10 "$0" && exit 0; sleep 2; done; exit 1';

/** A `helm test` pod that fetches a component's health endpoint through its Service; PSS restricted too. */
export class HelmTestPod extends Construct {
  constructor(scope: Construct, id: string, { ctx, target }: HelmTestPodProps) {
    super(scope, id);
    const { service, probes } = ctx.values[target];
    const url = `http://${componentName(ctx, target)}:${service.port}${probes.readiness.path}`;
    const runAs = { runAsUser: NOBODY, runAsGroup: NOBODY, fsGroup: NOBODY };
    ctx.helmTest(() =>
      kubeObject<k8s.KubePodProps>(this, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: suffixedName(ctx, `test-${target}`),
          namespace: ctx.release.namespace,
          labels: labels(ctx, 'test'),
          annotations: {
            ...ctx.merge({}, ctx.values.commonAnnotations),
            [HELM_TEST_ANNOTATIONS.hook]: 'test',
            [HELM_TEST_ANNOTATIONS.deletePolicy]: 'before-hook-creation,hook-succeeded',
          },
        },
        body: {
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(runAs),
            containers: [
              {
                name: 'wget',
                image: imageReference(ctx, 'tests'),
                imagePullPolicy: ctx.values.tests.image.pullPolicy,
                command: ['sh', '-c', FETCH_WITH_RETRIES, url],
                resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
                securityContext: restrictedContainerSecurityContext(runAs),
              },
            ],
          },
        },
      }),
    );
  }
}
