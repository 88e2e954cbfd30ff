import { createHash } from 'node:crypto';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CONTAINER_ENV, TMP_PATH, WRITABLE_VOLUMES } from '../config/environment';
import { Component, SECRET_ENV_BY_FIELD } from '../config/schema';
import type { ModelContext } from '../model/context';
import { AppConfigMap } from './config-map';
import { AppSecret, SecretValues } from './secret';
import { Ingress } from './ingress';
import { KagentAgent } from './kagent-agent';
import { Namespace } from './namespace';
import { NetworkPolicies } from './network-policy';
import { HelmTestPod } from './test-pod';
import { AppComponent } from './app-component';

export interface TodoChatbotProps {
  readonly ctx: ModelContext;
  /** Emit the Namespace object. The chart leaves it out: Helm installs into `.Release.Namespace`. @default true */
  readonly namespace?: boolean;
  /** Values of the Secret when the raw synth creates it. @default none */
  readonly secretValues?: SecretValues;
}

/** The whole deployment of the AI-Powered Todo Chatbot. */
export class TodoChatbot extends Chart {
  readonly backend: AppComponent;
  readonly frontend: AppComponent;

  constructor(scope: Construct, id: string, props: TodoChatbotProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { ctx } = props;
    const { keys } = ctx.values.secret;
    const secretEnv = (component: Component) => Object.fromEntries(CONTAINER_ENV[component].secret.map((field) => [SECRET_ENV_BY_FIELD[field], keys[field]]));
    if (props.namespace ?? true) new Namespace(this, 'namespace', { ctx });
    const config = new AppConfigMap(this, 'configmap', { ctx });
    new AppSecret(this, 'secret', { ctx, secretValues: props.secretValues });
    const configChecksum = ctx.computed(
      // Of the entries in key order: the same settings written in another order in a values file give
      // the same checksum, so reordering keys rolls no pod (Helm's is of the rendered template, whose
      // toYaml sorts keys too). Entries already in order hash as before, so no pod rolls on upgrade.
      () => createHash('sha256').update(JSON.stringify(Object.fromEntries(Object.entries(config.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))).digest('hex'),
      { checksumOf: config },
    );
    this.backend = new AppComponent(this, 'backend', {
      ctx,
      configChecksum,
      secretEnv: secretEnv('backend'),
      env: CONTAINER_ENV.backend.plain,
      writablePaths: { [WRITABLE_VOLUMES.tmp]: TMP_PATH },
    });
    this.frontend = new AppComponent(this, 'frontend', {
      ctx,
      configChecksum,
      secretEnv: secretEnv('frontend'),
      env: CONTAINER_ENV.frontend.plain,
      writablePaths: { [WRITABLE_VOLUMES.tmp]: TMP_PATH, [WRITABLE_VOLUMES.nextCache]: ctx.values.frontend.nextCachePath },
    });
    const { backend, frontend } = this;
    new Ingress(this, 'ingress', { ctx, service: frontend.service });
    new NetworkPolicies(this, 'networkpolicy', { ctx, backend: backend.deployment, frontend: frontend.deployment });
    new KagentAgent(this, 'kagent-agent', { ctx, components: { backend, frontend } });
    const tests = new Construct(this, 'tests');
    new HelmTestPod(tests, 'test-backend', { ctx, target: 'backend' });
    new HelmTestPod(tests, 'test-frontend', { ctx, target: 'frontend' });
  }
}
