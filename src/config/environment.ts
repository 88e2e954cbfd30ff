import { Component, COMPONENTS, SECRET_ENV_BY_FIELD, SECRET_FIELDS, SecretField } from './schema';

/*
 * The environment the model gives each container, in one place: the constructs set exactly this, and
 * the rules (synth and chart) refuse user entries that would shadow any of it, so the reserved names
 * follow the model instead of a hand-kept list.
 */

/** Where each container gets a writable folder for temporary files (an emptyDir: the root filesystem is read-only). */
export const TMP_PATH = '/tmp';

/** The emptyDir volumes the model gives a component's container for the folders it writes to (its root filesystem is read-only). */
export const WRITABLE_VOLUMES = { tmp: 'tmp', nextCache: 'next-cache' } as const;

/** Each component's writable volumes by name: what `<component>.extraVolumes` may not name. */
export const COMPONENT_VOLUMES: Readonly<Record<Component, readonly string[]>> = {
  backend: [WRITABLE_VOLUMES.tmp],
  frontend: [WRITABLE_VOLUMES.tmp, WRITABLE_VOLUMES.nextCache],
};

/** The variable each container's port is announced in; its probes and Service use that port. */
export const PORT_ENV = 'PORT';

/** The ConfigMap's own entries (both containers read the ConfigMap), from the `config` values. */
export const CONFIG_MAP_ENV = { backendUrl: 'BACKEND_URL', corsOrigins: 'CORS_ORIGINS', logLevel: 'LOG_LEVEL' } as const;

export interface ContainerEnvironment {
  /** Fixed plain variables besides PORT. */
  readonly plain: Readonly<Record<string, string>>;
  /** The Secret entries the container reads, each as its SECRET_ENV_BY_FIELD variable. */
  readonly secret: readonly SecretField[];
}

export const CONTAINER_ENV: Readonly<Record<Component, ContainerEnvironment>> = {
  backend: { plain: {}, secret: SECRET_FIELDS },
  frontend: {
    // Next.js standalone binds to $HOSTNAME, which Kubernetes sets to the pod name.
    plain: { HOSTNAME: '0.0.0.0', NEXT_TELEMETRY_DISABLED: '1' },
    // The frontend signs sessions; it never sees the database or OpenAI credentials.
    secret: ['betterAuthSecret'],
  },
};

/** Every variable the model sets in a component's container, by name: what `<component>.extraEnv` may not name. */
export function reservedEnv(component: Component): string[] {
  const { plain, secret } = CONTAINER_ENV[component];
  return [PORT_ENV, ...Object.keys(plain), ...secret.map((field) => SECRET_ENV_BY_FIELD[field]), ...Object.values(CONFIG_MAP_ENV)];
}

/** What `config.extra` may not name: anything the model sets in either container (the ConfigMap feeds both). */
export const RESERVED_CONFIG_KEYS: readonly string[] = [...new Set(COMPONENTS.flatMap(reservedEnv))];
