import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ModelContext } from '../model/context';
import { ConfigError } from '../config/errors';
import { kubeObject } from '../model/k8s';
import { annotations, labels, secretName } from '../model/helpers';
import { SECRET_FIELDS, SecretField } from '../config/schema';

/** Secret values for the raw synth, read from the environment (AD-5); the chart takes them from values. */
export type SecretValues = Readonly<Record<SecretField, string>>;

export interface AppSecretProps {
  readonly ctx: ModelContext;
  /** Required by the raw synth when `secret.create` is true. @default none */
  readonly secretValues?: SecretValues;
}

/** The Secret, created only when `secret.create` is true; otherwise the user creates it (AD-5). */
export class AppSecret extends Construct {
  constructor(scope: Construct, id: string, { ctx, secretValues }: AppSecretProps) {
    super(scope, id);
    const { keys } = ctx.values.secret;
    const encoded = (field: SecretField) =>
      ctx.computed(
        () => {
          const value = secretValues?.[field];
          if (!value) throw new ConfigError([`secret.values.${field}: required when secret.create is true, got nothing`]);
          return Buffer.from(value).toString('base64');
        },
        { required: `secret.values.${field}`, message: `secret.values.${field} is required when secret.create is true`, encode: 'base64' },
      );
    ctx.whenObject({ truthy: 'secret.create' }, () =>
      kubeObject<k8s.KubeSecretProps>(this, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secretName(ctx), namespace: ctx.release.namespace, labels: labels(ctx), ...annotations(ctx) },
        body: { type: 'Opaque', data: Object.fromEntries(SECRET_FIELDS.map((field) => [keys[field], encoded(field)])) },
      }),
    );
  }
}
