/*
 * The synth command line: reads the settings, synthesizes the model and writes dist/ (raw manifests +
 * packaged chart) and charts/ (chart source). Bad input gives one `error:` line per problem and exit
 * code 1, and nothing is written.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, describeIssues } from './config/errors';
import { schemaAt, valuesJsonSchema } from './config/json-schema';
import { DEFAULT_RELEASE, loadSettings } from './config/load';
import { DEFAULT_PROFILE, PROFILE_NAMES } from './config/profiles';
import { SECRET_ENV } from './config/rules';
import { SECRET_ENV_BY_FIELD, SECRET_FIELDS, SecretField, secretValuesSchema } from './config/schema';
import { loadSigningKey, SigningKeyRequest } from './config/signing-key';
import { SecretValues } from './constructs/secret';
import { CHART_NAME } from './model/helpers';
import { RAW_FILES } from './outputs/raw';
import { foreignEntries, outputFolderProblem, replaceFolder } from './outputs/write';
import { chartProvenance, isDistFile, synth } from './synth';

const USAGE = `Usage: npm run synth -- [options]

Writes the raw Kubernetes manifests and the packaged Helm chart to dist/, and the chart source to
charts/${CHART_NAME}/. Nothing is written unless every setting is valid.

Options:
  --profile NAME        settings to start from: ${PROFILE_NAMES.join(' or ')} (default: ${DEFAULT_PROFILE})
  -f, --values FILE     a values file over the profile, with the chart's values.yaml keys;
                        repeatable, later files win
  --release-name NAME   resource name prefix, as in "helm install NAME" (default: ${DEFAULT_RELEASE.name})
  --namespace NAME      namespace of every object (default: ${DEFAULT_RELEASE.namespace})
  --out DIR             where the manifests and the .tgz go (default: the project's dist)
  --charts DIR          where the chart source goes (default: the project's charts)
  --sign                sign the packaged chart as "helm package --sign" does: its provenance file
                        goes beside it (the .tgz's name + .prov), for helm verify and --verify
  --key NAME            with --sign: the key's user ID, or a part of it only one key's IDs hold
  --keyring FILE        with --sign: the secret keyring holding the key, binary or armored
                        (gpg --output FILE --export-secret-keys NAME)
  --passphrase-file FILE
                        with --sign: the key's passphrase (the file's first line); - reads stdin
  -h, --help            show this help

Relative paths are read from the folder you run the command in.

Secrets: by default no secret value is written; create the Secret with kubectl (see README).
With "secret: {create: true}" in a values file, the synth reads ${SECRET_ENV.join(', ')}
from the environment and writes the Secret alone to <out>/${RAW_FILES.secret}, mode 0600.
`;

const OPTIONS = {
  profile: { type: 'string' },
  values: { type: 'string', short: 'f', multiple: true },
  'release-name': { type: 'string' },
  namespace: { type: 'string' },
  out: { type: 'string' },
  charts: { type: 'string' },
  sign: { type: 'boolean' },
  key: { type: 'string' },
  keyring: { type: 'string' },
  'passphrase-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The options only --sign reads, and what each gives. */
const SIGNING_OPTIONS = { key: 'NAME', keyring: 'FILE', 'passphrase-file': 'FILE' } as const;

function parseCommandLine(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: false, tokens: true, options: OPTIONS });
  } catch (error) {
    throw new ConfigError([`${(error as Error).message} (see --help)`]);
  }
  const problems: string[] = [];
  const given = new Map<string, string | undefined>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const flag = `--${token.name}`;
    if (token.name === 'values' && token.value === '') problems.push(`${flag}: expected the path of a values file, got ""`);
    // A setting given twice with two values: which one was meant is a guess, so neither is taken.
    if (token.name !== 'values' && given.has(token.name) && given.get(token.name) !== token.value) {
      problems.push(`${flag}: expected once, got ${JSON.stringify(given.get(token.name))} and ${JSON.stringify(token.value)}`);
    }
    given.set(token.name, token.value);
  }
  const { values } = parsed;
  for (const [name, argument] of Object.entries(SIGNING_OPTIONS) as [keyof typeof SIGNING_OPTIONS, string][]) {
    if (values[name] === undefined) continue;
    if (!values.sign) problems.push(`--${name}: expected together with --sign, which is the option that signs`);
    else if (values[name] === '') problems.push(`--${name}: expected ${argument}, got ""`);
  }
  if (values.sign) {
    if (values.key === undefined) problems.push('--sign: expected --key NAME too (the user ID of the key to sign with)');
    if (values.keyring === undefined) problems.push('--sign: expected --keyring FILE too (the secret keyring: gpg --output FILE --export-secret-keys NAME)');
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return values;
}

/**
 * The folder the user typed the command in: npm runs scripts from the package root and passes that
 * folder as INIT_CWD. Every relative path on the command line is meant from there.
 */
function callerFolder(env: NodeJS.ProcessEnv): string {
  return resolve(env.INIT_CWD || process.cwd());
}

/** A path the user typed, resolved from their folder (an absolute one stays as it is). */
function typedPath(env: NodeJS.ProcessEnv, path: string): string {
  return resolve(callerFolder(env), path);
}

function secretValuesFromEnvironment(env: NodeJS.ProcessEnv): SecretValues {
  const missing = SECRET_ENV.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ConfigError([`secret.create: true needs the environment variables ${missing.join(', ')} (set, non-empty); they are never read from files`]);
  }
  const values = Object.fromEntries(SECRET_FIELDS.map((field) => [field, env[SECRET_ENV_BY_FIELD[field]] ?? '']));
  const parsed = secretValuesSchema.safeParse(values);
  if (!parsed.success) {
    // The rules of secret.values in a values file, each line naming the variable the user set; the
    // schema marks these values writeOnly, so no line shows one.
    const lines = describeIssues(parsed.error.issues, schemaAt(valuesJsonSchema(), ['secret', 'values'])!, values);
    throw new ConfigError(lines.map((line) => line.replace(/^\w+/, (field) => SECRET_ENV_BY_FIELD[field as SecretField])));
  }
  return parsed.data;
}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** The project folder: where `dist/` and `charts/` go unless --out and --charts say otherwise. */
  readonly projectRoot: string;
}

/** What --sign asks for, its paths resolved from the caller's folder; the passphrase file read now. */
function signingKeyRequest(options: ReturnType<typeof parseCommandLine>, io: CliIo): SigningKeyRequest | undefined {
  if (!options.sign || options.key === undefined || options.keyring === undefined) return undefined;
  const key = { name: options.key, keyring: options.keyring, keyringPath: typedPath(io.env, options.keyring) };
  const file = options['passphrase-file'];
  if (file === undefined) return key;
  const source = `--passphrase-file ${file}`;
  let text: string;
  try {
    // Standard input is file descriptor 0, on Windows too.
    text = readFileSync(file === '-' ? 0 : typedPath(io.env, file), 'utf8');
  } catch (error) {
    throw new ConfigError([`${source}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
  }
  // Helm reads the first line, without its line ending.
  return { ...key, passphrase: { value: text.split(/\r?\n/)[0], source } };
}

async function run(argv: string[], io: CliIo): Promise<void> {
  const options = parseCommandLine(argv);
  if (options.help) {
    io.stdout(USAGE);
    return;
  }
  const settings = loadSettings({
    profile: options.profile,
    valuesFiles: options.values?.map((file) => typedPath(io.env, file)),
    releaseName: options['release-name'],
    namespace: options.namespace,
  });
  const committedSecrets = SECRET_FIELDS.filter((field) => settings.values.secret.values[field] !== '');
  if (committedSecrets.length > 0) {
    throw new ConfigError(
      committedSecrets.map((field) => `secret.values.${field}: expected "" (the raw synth reads secrets from the environment, never from files), got a value`),
    );
  }
  // As typed, for the messages; for the files, resolved from the caller's folder, or the project's for the defaults.
  const outDir = options.out ?? 'dist';
  const chartsDir = options.charts ?? 'charts';
  const folder = (typed: string | undefined, fallback: string) => (typed === undefined ? join(io.projectRoot, fallback) : typedPath(io.env, typed));
  const outPath = folder(options.out, 'dist');
  const chartsPath = folder(options.charts, 'charts');
  const unusable = [
    ['--out', outDir, outPath],
    ['--charts', chartsDir, chartsPath],
  ].flatMap(([flag, typed, path]) => {
    const problem = outputFolderProblem(typed.trim() === '' ? typed : path);
    return problem ? [`${flag}${typed ? ` ${typed}` : ''}: ${problem}`] : [];
  });
  if (unusable.length > 0) throw new ConfigError(unusable);
  // --out is replaced as a whole: a chart folder inside it would be deleted by it, and the other way round.
  const chartPath = join(chartsPath, CHART_NAME);
  if (chartPath.startsWith(`${outPath}${sep}`) || outPath === chartPath || outPath.startsWith(`${chartPath}${sep}`)) {
    throw new ConfigError([`--charts ${chartsDir}: expected a folder whose ${CHART_NAME}/ is outside --out ${outDir} (each is replaced as a whole), got one inside the other`]);
  }
  const secretValues = settings.values.secret.create ? secretValuesFromEnvironment(io.env) : undefined;
  const signing = signingKeyRequest(options, io);
  const signingKey = signing && (await loadSigningKey(signing));
  const { dist, chart } = synth(settings, secretValues);
  if (signingKey) dist.set(...(await chartProvenance(signingKey)));
  const foreign = [
    ...foreignEntries(outPath, dist, isDistFile).map((name) => `--out ${outDir}: refusing to replace a folder that holds ${name}, which the synth did not write`),
    ...foreignEntries(chartPath, chart, () => false).map((name) => `--charts ${chartsDir}: refusing to replace ${join(chartsDir, CHART_NAME)}, which holds ${name}, which the synth did not write`),
  ];
  if (foreign.length > 0) throw new ConfigError(foreign);
  replaceFolder(chartPath, chart);
  replaceFolder(outPath, dist);
  // An absolute folder as given, any other from the caller's folder: each path is where the file is for the one who reads it.
  const shown = (typed: string | undefined, path: string) => (typed !== undefined && isAbsolute(typed) ? path : relative(callerFolder(io.env), path) || '.');
  const written = [...dist.keys()].map((file) => join(shown(options.out, outPath), file));
  io.stdout(`Wrote ${written.join(', ')} and ${join(shown(options.charts, chartsPath), CHART_NAME)}${sep}\n`);
}

/** Runs the synth; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    await run(argv, io);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${error.problems.map((line) => `error: ${line}`).join('\n')}\n`);
    return 1;
  }
}
