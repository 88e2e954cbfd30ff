/*
 * Entry point of `npm run synth` (and of `cdk8s synth`, through cdk8s.yaml): reads the settings,
 * synthesizes the model and writes dist/ (raw manifests + packaged chart) and charts/ (chart source).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from './src/config/errors';
import { DEFAULT_RELEASE, loadSettings } from './src/config/load';
import { DEFAULT_PROFILE, PROFILE_NAMES } from './src/config/profiles';
import { SECRET_ENV } from './src/config/rules';
import { SECRET_FIELDS, SecretValues } from './src/constructs/secret';
import { CHART_NAME } from './src/model/names';
import { replaceFolder } from './src/outputs/write';
import { synth } from './src/synth';

const USAGE = `Usage: npm run synth -- [options]

Writes the raw Kubernetes manifests and the packaged Helm chart to dist/, and the chart source to
charts/${CHART_NAME}/. Nothing is written unless every setting is valid.

Options:
  --profile NAME        settings to start from: ${PROFILE_NAMES.join(' or ')} (default: ${DEFAULT_PROFILE})
  -f, --values FILE     a values file over the profile, with the chart's values.yaml keys;
                        repeatable, later files win
  --release-name NAME   resource name prefix, as in "helm install NAME" (default: ${DEFAULT_RELEASE.name})
  --namespace NAME      namespace of every object (default: ${DEFAULT_RELEASE.namespace})
  --out DIR             where the manifests and the .tgz go (default: dist)
  --charts DIR          where the chart source goes (default: charts)
  -h, --help            show this help

Secrets: by default no secret value is written; create the Secret with kubectl (see README).
With "secret: {create: true}" in a values file, the synth reads ${SECRET_ENV.join(', ')}
from the environment and writes the Secret alone to <out>/10-secret.yaml, mode 0600.
`;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        profile: { type: 'string' },
        values: { type: 'string', short: 'f', multiple: true },
        'release-name': { type: 'string' },
        namespace: { type: 'string' },
        out: { type: 'string' },
        charts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new ConfigError([`${(error as Error).message} (see --help)`]);
  }
}

function secretValuesFromEnvironment(): SecretValues {
  const missing = SECRET_ENV.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new ConfigError([`secret.create: true needs the environment variables ${missing.join(', ')} (set, non-empty); they are never read from files`]);
  }
  return Object.fromEntries(SECRET_FIELDS.map((field, index) => [field, process.env[SECRET_ENV[index]] ?? ''])) as SecretValues;
}

function run(argv: string[]): void {
  const options = parseCommandLine(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  const settings = loadSettings({
    profile: options.profile,
    valuesFiles: options.values,
    releaseName: options['release-name'],
    namespace: options.namespace,
  });
  const committedSecrets = SECRET_FIELDS.filter((field) => settings.values.secret.values[field] !== '');
  if (committedSecrets.length > 0) {
    throw new ConfigError(
      committedSecrets.map((field) => `secret.values.${field}: expected "" (the raw synth reads secrets from the environment, never from files), got a value`),
    );
  }
  const secretValues = settings.values.secret.create ? secretValuesFromEnvironment() : undefined;
  const { dist, chart } = synth(settings, secretValues);
  const outDir = options.out ?? 'dist';
  const chartsDir = options.charts ?? 'charts';
  replaceFolder(join(chartsDir, CHART_NAME), chart);
  replaceFolder(outDir, dist);
  const written = [...dist.keys()].map((file) => join(outDir, file));
  process.stdout.write(`Wrote ${written.join(', ')} and ${join(chartsDir, CHART_NAME)}/\n`);
}

try {
  run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.problems.map((line) => `error: ${line}`).join('\n')}\n`);
  process.exitCode = 1;
}
