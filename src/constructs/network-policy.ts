import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ModelContext } from '../model/context';
import { kubeObject, Wire } from '../model/k8s';
import { annotations, labels, selectorLabels, suffixedName } from '../model/helpers';
import type { Deployment } from './deployment';

type PolicySpec = Wire<k8s.NetworkPolicySpec>;

export interface NetworkPolicyProps {
  readonly ctx: ModelContext;
  /** The suffix of the policy's name (`<release>-<suffix>`). */
  readonly suffix: string;
  readonly spec: PolicySpec;
  /**
   * Whether the policy only lets `helm test` pods through: then it is part of the chart alone, labelled
   * as test wiring, since the raw manifests have no test pods for it to select.
   * @default false
   */
  readonly forHelmTest?: boolean;
}

/** One NetworkPolicy, present when `networkPolicy.enabled`. */
export class NetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, { ctx, suffix, spec, forHelmTest = false }: NetworkPolicyProps) {
    super(scope, id);
    const build = () =>
      ctx.whenObject({ truthy: 'networkPolicy.enabled' }, () =>
        kubeObject<k8s.KubeNetworkPolicyProps>(this, {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: suffixedName(ctx, suffix), namespace: ctx.release.namespace, labels: forHelmTest ? labels(ctx, 'test') : labels(ctx), ...annotations(ctx) },
          body: { spec },
        }),
      );
    if (forHelmTest) ctx.helmTest(build);
    else build();
  }
}

// Cluster DNS runs in another namespace under names that vary by distribution: allow port 53 anywhere.
const DNS: Wire<k8s.NetworkPolicyEgressRule> = {
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/**
 * Deny by default in the namespace, then allow: anyone to the frontend's port; the frontend to the
 * backend's port; DNS for all; the backend to the outside world on its egress ports (HTTPS for OpenAI,
 * Postgres for Neon) but not into the cluster's private ranges. The chart adds two policies for its
 * `helm test` pods: out to both Services, and into the backend.
 */
export interface NetworkPoliciesProps {
  readonly ctx: ModelContext;
  /** The Deployments whose pods the policies select and let through, by their selectors and port names. */
  readonly backend: Deployment;
  readonly frontend: Deployment;
}

export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, { ctx, backend, frontend }: NetworkPoliciesProps) {
    super(scope, id);
    const pods = (deployment: Deployment) => ({ podSelector: { matchLabels: deployment.selector } });
    const testPods = { podSelector: { matchLabels: selectorLabels(ctx, 'test') } };
    // The ports of pods a rule lets traffic to, each port name once.
    const portsOf = (...deployments: Deployment[]) => [...new Set(deployments.map((deployment) => deployment.portName))].map((port) => ({ protocol: 'TCP', port }));
    new NetworkPolicy(this, 'default-deny', { ctx, suffix: 'default-deny', spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    new NetworkPolicy(this, 'frontend', {
      ctx,
      suffix: 'frontend',
      spec: {
        ...pods(frontend),
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: portsOf(frontend) }],
        egress: [DNS, { to: [pods(backend)], ports: portsOf(backend) }],
      },
    });
    new NetworkPolicy(this, 'backend', {
      ctx,
      suffix: 'backend',
      spec: {
        ...pods(backend),
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [pods(frontend)], ports: portsOf(backend) }],
        egress: [
          DNS,
          {
            to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
            ports: ctx.values.networkPolicy.backendEgress,
          },
        ],
      },
    });
    new NetworkPolicy(this, 'tests', {
      ctx,
      suffix: 'tests',
      forHelmTest: true,
      spec: { ...testPods, policyTypes: ['Egress'], egress: [DNS, { to: [pods(backend), pods(frontend)], ports: portsOf(backend, frontend) }] },
    });
    new NetworkPolicy(this, 'tests-to-backend', {
      ctx,
      suffix: 'tests-to-backend',
      forHelmTest: true,
      spec: { ...pods(backend), policyTypes: ['Ingress'], ingress: [{ from: [testPods], ports: portsOf(backend) }] },
    });
  }
}
