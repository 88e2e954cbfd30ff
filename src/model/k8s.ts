import { ApiObject, JsonPatch } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';

/**
 * cdk8s-plus-28's `k8s` interfaces (and the bindings `npm run import` generates from CRDs) as they
 * appear on the wire: IntOrString and Quantity classes become the plain strings and numbers they
 * serialize to, enums the strings they stand for. The model writes these shapes, so the
 * compiler checks every field name and type against the Kubernetes 1.28 API, while the objects stay
 * plain data that can carry the chart's placeholders (the L1/L2 classes reshape values, which would
 * destroy them).
 */
export type Wire<T> = T extends k8s.IntOrString | k8s.Quantity
  ? string | number
  : T extends string
    ? `${T}` // an imported CRD's enum: the strings it stands for
    : T extends readonly (infer Item)[]
    ? Wire<Item>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/**
 * A Kubernetes object as plain data: what the synth writes, what Helm renders and the API server reads
 * back, and what the checks judge. Past `metadata` its fields stay open: the model types them where it
 * makes them (Wire<T>), and the schema checks judge them after.
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec?: any;
  readonly data?: Record<string, string>;
  readonly [field: string]: unknown;
}

/** The id of the one ApiObject inside each construct; the chart names template files by the path above it. */
export const RESOURCE_ID = 'resource';

export type ObjectMeta = Wire<k8s.ObjectMeta>;

export interface KubeObjectProps<Props> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  /** Everything besides apiVersion, kind and metadata (`spec`, `data`, ...), typed by the cdk8s-plus L1 props. */
  readonly body: Omit<Wire<Props>, 'metadata'>;
}

/**
 * One Kubernetes object in the construct tree, with the name and namespace the model gives it (never
 * hashed). `Props` is the matching cdk8s-plus L1 props type, e.g. `k8s.KubeDeploymentProps`.
 */
export function kubeObject<Props extends object>(scope: Construct, props: KubeObjectProps<Props>): ApiObject {
  const { name, namespace, ...rest } = props.metadata;
  const object = new ApiObject(scope, RESOURCE_ID, { apiVersion: props.apiVersion, kind: props.kind, metadata: { name, namespace } });
  // The content goes in as JSON patches, which cdk8s applies as given. Its own resolution would copy
  // labels and annotations entry by entry (spelling a chart placeholder out letter by letter), drop a
  // field the chart makes conditional, and take a map key such as "constructor" for a class instance.
  for (const [field, value] of Object.entries(rest)) object.addJsonPatch(JsonPatch.add(`/metadata/${field}`, value));
  for (const [field, value] of Object.entries(props.body)) object.addJsonPatch(JsonPatch.add(`/${field}`, value));
  return object;
}
