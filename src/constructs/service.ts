import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ComponentProps } from '../model/context';
import { kubeObject } from '../model/k8s';
import { componentMetadata, selectorLabels } from '../model/helpers';
import { HTTP_PORT_NAME } from './deployment';

export type ServiceProps = ComponentProps;

/** A component's Service, targeting the pods' named port. */
export class Service extends Construct {
  constructor(scope: Construct, id: string, { ctx, component }: ServiceProps) {
    super(scope, id);
    const service = ctx.values[component].service;
    kubeObject<k8s.KubeServiceProps>(this, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: componentMetadata(ctx, component),
      body: {
        spec: {
          type: service.type,
          selector: selectorLabels(ctx, component),
          ports: [
            {
              name: HTTP_PORT_NAME,
              port: service.port,
              targetPort: HTTP_PORT_NAME,
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
