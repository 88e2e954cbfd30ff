import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CONFIG_MAP_ENV } from '../config/environment';
import type { ModelContext } from '../model/context';
import { kubeObject } from '../model/k8s';
import { annotations, backendUrl, configMapName, labels } from '../model/helpers';

export interface AppConfigMapProps {
  readonly ctx: ModelContext;
}

/** Non-secret settings both containers read as environment variables. */
export class AppConfigMap extends Construct {
  /** The ConfigMap's data, for the checksum that rolls the pods when it changes. */
  readonly data: Record<string, string>;

  constructor(scope: Construct, id: string, { ctx }: AppConfigMapProps) {
    super(scope, id);
    const { config } = ctx.values;
    this.data = ctx.merge(
      { [CONFIG_MAP_ENV.backendUrl]: backendUrl(ctx), [CONFIG_MAP_ENV.corsOrigins]: config.corsOrigins, [CONFIG_MAP_ENV.logLevel]: config.logLevel },
      config.extra,
    );
    kubeObject<k8s.KubeConfigMapProps>(this, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: configMapName(ctx), namespace: ctx.release.namespace, labels: labels(ctx), ...annotations(ctx) },
      body: { data: this.data },
    });
  }
}
