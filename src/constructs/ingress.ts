import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ModelContext } from '../model/context';
import { kubeObject } from '../model/k8s';
import { componentMetadata } from '../model/helpers';
import type { Service } from './service';

export interface IngressProps {
  readonly ctx: ModelContext;
  /** The frontend's Service, routed to by its name and port name. */
  readonly service: Service;
}

/** Routes a host (and path prefix) to the frontend Service, with TLS when a certificate Secret is named. */
export class Ingress extends Construct {
  constructor(scope: Construct, id: string, { ctx, service }: IngressProps) {
    super(scope, id);
    const ingress = ctx.values.frontend.ingress;
    ctx.whenObject({ truthy: 'frontend.ingress.enabled' }, () =>
      kubeObject<k8s.KubeIngressProps>(this, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: componentMetadata(ctx, 'frontend', { path: 'frontend.ingress.annotations', entries: ingress.annotations }),
        body: {
          spec: {
            ...ctx.when({ truthy: 'frontend.ingress.className' }, { ingressClassName: ingress.className }),
            ...ctx.when({ truthy: 'frontend.ingress.tlsSecretName' }, {
              tls: [{ ...ctx.when({ truthy: 'frontend.ingress.host' }, { hosts: [ingress.host] }), secretName: ingress.tlsSecretName }],
            }),
            rules: [
              {
                ...ctx.when({ truthy: 'frontend.ingress.host' }, { host: ingress.host }),
                http: {
                  paths: [{ path: ingress.path, pathType: 'Prefix', backend: { service: { name: service.name, port: { name: service.portName } } } }],
                },
              },
            ],
          },
        },
      }),
    );
  }
}
