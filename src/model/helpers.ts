import { createHash } from 'node:crypto';
import type { Component } from '../config/schema';
import { LABEL_KEYS } from '../config/metadata';
import { APP_VERSION } from '../config/profiles';
import type { Condition, ModelContext, ValuesPath } from './context';

/*
 * What the chart's `_helpers.tpl` defines: object names, label sets, image references and the
 * backend URL. The raw context computes each here; the chart context writes each as one `define`
 * (with its description above it) that templates `include`.
 */

/** The chart's name: the `app.kubernetes.io/name` label and the `.tgz` file name. */
export const CHART_NAME = 'todo-chatbot';

/** The chart's helpers that write a CPU or memory quantity in the API server's canonical form. */
export const CANONICAL_QUANTITY_HELPER = { cpu: `${CHART_NAME}.canonicalCpu`, memory: `${CHART_NAME}.canonicalMemory` } as const;

/** Truncation of a DNS label as Helm's `trunc N | trimSuffix "-"` does it. */
export function truncateDnsLabel(name: string, length = 63): string {
  return name.slice(0, length).replace(/-$/, '');
}

export function fullname(ctx: ModelContext): string {
  return ctx.helper(`${CHART_NAME}.fullname`, 'The release name cut to a 63-character DNS label: the prefix of every object name.', () =>
    ctx.template(() => truncateDnsLabel(ctx.release.name), '.Release.Name | trunc 63 | trimSuffix "-"'),
  );
}

/** `<release>-backend`, `<release>-frontend`: the Deployment, Service and ServiceAccount names. */
export function componentName(ctx: ModelContext, component: Component): string {
  return ctx.helper(`${CHART_NAME}.${component}.fullname`, `The ${component}'s Deployment, Service and ServiceAccount name: <fullname>-${component}.`, () => `${fullname(ctx)}-${component}`);
}

/**
 * `<fullname>-<suffix>` for suffixes too long to add to any release name (`-default-deny`,
 * `-test-frontend`): the fullname is shortened so the whole stays a 63-character DNS label.
 */
export function suffixedName(ctx: ModelContext, suffix: string): string {
  const room = 63 - suffix.length - 1;
  const name = fullname(ctx);
  return ctx.template(
    () => `${truncateDnsLabel(name, room)}-${suffix}`,
    `printf "%s-${suffix}" (include "${CHART_NAME}.fullname" . | trunc ${room} | trimSuffix "-")`,
  );
}

/** Hex digits of the hash that keeps a name outside the release's namespace unique. */
const OWNER_HASH_LENGTH = 8;

/**
 * `<fullname>-<namespace>-<hash>-<suffix>` for an object in a namespace shared by many deployments
 * (the kagent Agent, in kagent's): the name says whose it is, and the hash of namespace and fullname
 * keeps two deployments apart however the readable part is cut or its hyphens fall (`a-b` in `c`,
 * `a` in `b-c`).
 */
export function sharedNamespaceName(ctx: ModelContext, suffix: string): string {
  const room = 63 - suffix.length - OWNER_HASH_LENGTH - 2;
  return ctx.helper(`${CHART_NAME}.${suffix}.fullname`, `The ${suffix}'s name in a namespace other releases share: <fullname>-<namespace>, cut to fit, then a hash of both and "-${suffix}".`, () => {
    const name = fullname(ctx);
    return ctx.template(
      () => `${truncateDnsLabel(`${name}-${ctx.release.namespace}`, room)}-${createHash('sha256').update(`${ctx.release.namespace}/${name}`).digest('hex').slice(0, OWNER_HASH_LENGTH)}-${suffix}`,
      `printf "%s-%s-${suffix}" (printf "%s-%s" (include "${CHART_NAME}.fullname" .) .Release.Namespace | trunc ${room} | trimSuffix "-") (printf "%s/%s" .Release.Namespace (include "${CHART_NAME}.fullname" .) | sha256sum | trunc ${OWNER_HASH_LENGTH})`,
    );
  });
}

export function configMapName(ctx: ModelContext): string {
  return ctx.helper(`${CHART_NAME}.configMapName`, "The ConfigMap both containers read their non-secret settings from: <fullname>-config.", () => `${fullname(ctx)}-config`);
}

/** The Secret the pods read: `secret.existingSecret`, else `<release>-secrets`. */
export function secretName(ctx: ModelContext): string {
  return ctx.helper(`${CHART_NAME}.secretName`, 'The Secret the pods read: secret.existingSecret when set, else the one the chart creates, <fullname>-secrets.', () =>
    ctx.choose({ truthy: 'secret.existingSecret' }, ctx.values.secret.existingSecret, `${fullname(ctx)}-secrets`),
  );
}

/** R6: the in-cluster URL of the backend Service, unless `config.backendUrl` overrides it. */
export function backendUrl(ctx: ModelContext): string {
  return ctx.helper(`${CHART_NAME}.backendUrl`, "The URL the frontend calls the backend at: config.backendUrl when set, else the backend Service's cluster DNS name and port.", () =>
    ctx.choose(
      { truthy: 'config.backendUrl' },
      ctx.values.config.backendUrl,
      `http://${componentName(ctx, 'backend')}.${ctx.release.namespace}.svc.cluster.local:${ctx.values.backend.service.port}`,
    ),
  );
}

/** An annotations setting of an object's own, by its path and its value. */
export interface OwnAnnotations {
  readonly path: ValuesPath;
  readonly entries: Record<string, string>;
}

/** Name, namespace, labels and annotations (commonAnnotations and the object's `own`) of an object that belongs to one component. */
export function componentMetadata(ctx: ModelContext, component: Component, own?: OwnAnnotations): { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string> } {
  return { name: componentName(ctx, component), namespace: ctx.release.namespace, labels: labels(ctx, component), ...annotations(ctx, own) };
}

/** What runs an image: a component, or the `helm test` pods (their values are under `tests`). */
export type ImageUser = Component | 'tests';

/**
 * An image repository names a registry host when its first part has a "." or ":", or is localhost, as
 * the container runtimes read it; anything else is on the default registry, where global.imageRegistry
 * (a mirror) goes instead.
 */
const NAMES_REGISTRY_HOST = /^([^/]*[.:][^/]*|localhost)\//;

/** `repository@digest` when a digest is set, else `repository:tag`; global.imageRegistry in front of a repository that names no registry. */
export function imageReference(ctx: ModelContext, user: ImageUser): string {
  const image = ctx.values[user].image;
  const description = `The ${user === 'tests' ? 'helm test pods\'' : `${user}'s`} image: repository@digest when a digest is set, else repository:tag; global.imageRegistry in front of a repository that names no registry host.`;
  return ctx.helper(`${CHART_NAME}.${user}.image`, description, () => {
    const mirrored = { all: [{ truthy: 'global.imageRegistry' }, { not: { matches: [`${user}.image.repository`, NAMES_REGISTRY_HOST] } }] } as const;
    const repository = ctx.choose(mirrored, `${ctx.values.global.imageRegistry}/${image.repository}`, image.repository);
    return ctx.choose({ truthy: `${user}.image.digest` }, `${repository}@${image.digest}`, `${repository}:${image.tag}`);
  });
}

/** What carries the component label: a component, or the `helm test` pods. */
export type LabelledComponent = Component | 'test';

/**
 * A helper's map in front of more entries: the chart writes it as that helper's `include`, so a label
 * set is composed of the smaller one it extends, as in `helm create`'s labels and selectorLabels.
 */
function extending(ctx: ModelContext, base: Record<string, string>, more: Record<string, string>): Record<string, string> {
  return { ...ctx.merge({}, base), ...more };
}

/** The labels that select this release's pods: name and instance. */
function releaseSelectorLabels(ctx: ModelContext): Record<string, string> {
  return ctx.helper(`${CHART_NAME}.selectorLabels`, "The labels that select this release's objects: name and instance.", () => ({
    [LABEL_KEYS.name]: CHART_NAME,
    [LABEL_KEYS.instance]: ctx.release.name,
  }));
}

/** The labels that select a component's pods: they must never change on a live Deployment. */
export function selectorLabels(ctx: ModelContext, component: LabelledComponent): Record<string, string> {
  return ctx.helper(`${CHART_NAME}.${component}.selectorLabels`, `The labels that select the ${component} pods: selectorLabels and the component. They must never change on a live Deployment.`, () =>
    extending(ctx, releaseSelectorLabels(ctx), { [LABEL_KEYS.component]: component }),
  );
}

/** The full recommended label set; without a component, the labels of shared objects. */
export function labels(ctx: ModelContext, component?: LabelledComponent): Record<string, string> {
  if (component) {
    return ctx.helper(`${CHART_NAME}.${component}.labels`, `The labels of the ${component}'s objects: labels and the component.`, () =>
      extending(ctx, labels(ctx), { [LABEL_KEYS.component]: component }),
    );
  }
  return ctx.helper(`${CHART_NAME}.labels`, "The labels of every object: selectorLabels, what it is part of, the app's version, who manages it, in the chart the chart, and commonLabels.", () => ({
    ...extending(ctx, releaseSelectorLabels(ctx), {
      [LABEL_KEYS.partOf]: CHART_NAME,
      [LABEL_KEYS.version]: ctx.template(() => APP_VERSION, '.Chart.AppVersion'),
      [LABEL_KEYS.managedBy]: ctx.template(() => 'kubectl', '.Release.Service'),
      ...ctx.chartOnly({
        [LABEL_KEYS.chart]: ctx.template(() => '', 'printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-"'),
      }),
    }),
    // The rules refuse a common label the chart sets, so these add labels and never replace one.
    ...ctx.merge({}, ctx.values.commonLabels),
  }));
}

/**
 * An object's annotations: commonAnnotations, then the object's own (a setting, such as the
 * ServiceAccount's), which the rules keep from naming a common one; none when both are empty.
 */
export function annotations(ctx: ModelContext, own?: OwnAnnotations): { annotations?: Record<string, string> } {
  const set: Condition = own ? { any: [{ truthy: 'commonAnnotations' }, { truthy: own.path }] } : { truthy: 'commonAnnotations' };
  return ctx.when(set, { annotations: { ...ctx.merge({}, ctx.values.commonAnnotations), ...(own ? ctx.merge({}, own.entries) : {}) } });
}
