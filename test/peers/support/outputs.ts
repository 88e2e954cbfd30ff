import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILE_NAMES } from '../../../src/config/profiles';
import { CHART_NAME } from '../../../src/model/helpers';
import { helms } from '../../support/helm';
import { helmOk, synthCommand } from '../../support/processes';
import { scratchFolder } from '../../support/scratch';

export type Profile = (typeof PROFILE_NAMES)[number];

export const RELEASE = 'todo-chatbot';
export const NAMESPACE = 'todo-chatbot';

/** Every optional feature on: Ingress with TLS, autoscaling, NetworkPolicies, the Secret created from values, the kagent Agent. */
export const EVERY_FEATURE = {
  frontend: {
    ingress: { enabled: true, className: 'nginx', host: 'todo.example.com', path: '/', tlsSecretName: 'todo-tls' },
    autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
  },
  backend: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 } },
  networkPolicy: { enabled: true },
  secret: { create: true },
  aiops: { kagent: { enabled: true, writeTools: ['k8s_scale'] } },
};

/** Stand-ins for the Secret's values: not secrets, nothing connects anywhere. */
const SECRET_STAND_INS = {
  DATABASE_URL: 'postgresql://user:not-a-password@db.invalid/todo?sslmode=require',
  OPENAI_API_KEY: 'sk-not-a-key',
  BETTER_AUTH_SECRET: 'not-a-secret',
};

/**
 * The settings the peers judge each profile in: as shipped (the profile's defaults alone; the Secret is
 * the one the user creates at deploy time, AD-5), and with every optional feature on, the chart-created
 * Secret included.
 */
export const SETTINGS = {
  'as shipped': { features: {}, secretValues: false },
  'with every feature on': { features: EVERY_FEATURE, secretValues: true },
} as const;

export type Settings = keyof typeof SETTINGS;

/** What the peers judge for one profile: the raw manifest files, Helm's rendering, and the chart's source and values. */
export interface JudgedOutputs {
  readonly raw: string[];
  readonly helmRendered: string;
  readonly chartDir: string;
  /** The values a Helm user passes for this profile in these settings (chart-testing's ci/ file first). */
  readonly helmValues: string[];
}

/**
 * The outputs of one profile in `settings`: the synth as README runs it (the Secret's values, when it
 * creates the Secret, from the environment), and `helm template` (helm v4) of the packaged chart, `helm
 * test` pods included.
 */
export function outputsOf(profile: Profile, settings: Settings): JudgedOutputs {
  const { features, secretValues } = SETTINGS[settings];
  const scratchName = `${profile}-${settings.replaceAll(' ', '-')}`;
  const featuresFile = jsonFile(join(SCRATCH, `${scratchName}.json`), features);
  const { root, dist, tgz } = synthCommand(['--profile', profile, '-f', featuresFile], secretValues ? { ...process.env, ...SECRET_STAND_INS } : process.env);
  const chartDir = join(root, 'charts', CHART_NAME);
  const helmValues = [join(chartDir, 'ci', `${profile}-values.yaml`), featuresFile];
  if (secretValues) {
    helmValues.push(
      jsonFile(join(root, 'secret-values.json'), {
        secret: { values: { databaseUrl: SECRET_STAND_INS.DATABASE_URL, openaiApiKey: SECRET_STAND_INS.OPENAI_API_KEY, betterAuthSecret: SECRET_STAND_INS.BETTER_AUTH_SECRET } },
      }),
    );
  }
  const helmV4 = helms().find((helm) => helm.major === 4)!;
  const helmRendered = join(root, 'helm-template.yaml');
  writeFileSync(helmRendered, helmOk(helmV4, ['template', RELEASE, tgz, '-n', NAMESPACE, ...helmValues.flatMap((file) => ['-f', file])]));
  const raw = readdirSync(dist)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => join(dist, file));
  return { raw, helmRendered, chartDir, helmValues };
}

const SCRATCH = scratchFolder('peers');

function jsonFile(path: string, content: unknown): string {
  writeFileSync(path, JSON.stringify(content));
  return path;
}
