import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ComponentProps } from '../model/context';
import { kubeObject } from '../model/k8s';
import { componentMetadata } from '../model/helpers';
import type { Deployment } from './deployment';

export interface ServiceProps extends ComponentProps {
  /** The Deployment whose pods the Service sends to: its selector and port name. */
  readonly deployment: Deployment;
}

/** A component's Service, targeting the pods' named port. */
export class Service extends Construct {
  /** The Service's name. */
  readonly name: string;
  /** The name of its one port (the pods' port name), which an Ingress routes to. */
  readonly portName: string;

  constructor(scope: Construct, id: string, { ctx, component, deployment }: ServiceProps) {
    super(scope, id);
    const service = ctx.values[component].service;
    const metadata = componentMetadata(ctx, component);
    this.name = metadata.name;
    this.portName = deployment.portName;
    kubeObject<k8s.KubeServiceProps>(this, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      body: {
        spec: {
          type: service.type,
          selector: deployment.selector,
          ports: [
            {
              name: this.portName,
              port: service.port,
              targetPort: deployment.portName,
              protocol: 'TCP',
              // The API server refuses a nodePort on a ClusterIP Service.
              ...ctx.when(
                { all: [{ truthy: `${component}.service.nodePort` }, { not: { equals: [`${component}.service.type`, 'ClusterIP'] } }] },
                { nodePort: service.nodePort ?? undefined },
              ),
            },
          ],
        },
      },
    });
  }
}
