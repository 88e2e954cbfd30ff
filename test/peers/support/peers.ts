import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Peer } from '../../../src/policy/rules';
import { helms } from '../../support/helm';
import { pathWithHelm, run, Run } from '../../support/processes';
import { scratchFolder } from '../../support/scratch';

const PEERS_ROOT = join(__dirname, '..');

/** Each peer's configuration: where the accepted findings are listed, each with its reason. */
export const PEER_CONFIG: Readonly<Record<Peer, string>> = {
  'kube-linter': join(PEERS_ROOT, 'kube-linter.yaml'),
  'kube-score': join(PEERS_ROOT, 'kube-score.flags'),
  checkov: join(PEERS_ROOT, 'checkov.yaml'),
};

/** One complaint of a peer: which check, about which object, and what it said. */
export interface Finding {
  readonly peer: Peer;
  readonly check: string;
  /** `Kind/name` */
  readonly object: string;
  readonly message: string;
}

const ENVIRONMENT: Readonly<Record<Peer, string>> = { 'kube-linter': 'PEER_KUBE_LINTER', 'kube-score': 'PEER_KUBE_SCORE', checkov: 'PEER_CHECKOV' };

function executable(peer: Peer): string {
  const path = process.env[ENVIRONMENT[peer]];
  if (!path) throw new Error(`${ENVIRONMENT[peer]} is not set: run this tier with npm run test:peers, which installs ${peer} (test/peers/install.sh)`);
  return path;
}

let checkovTempFolder: string | undefined;

/**
 * checkov's temporary folder: a scratch folder of the test file's, since checkov leaves a file there
 * (its parser's grammar cache). Not one beside its installation: in ~/.cache, a hidden folder, its Helm
 * framework skips the chart it copies there and judges nothing.
 */
function checkovTemp(): string {
  checkovTempFolder ??= scratchFolder('checkov');
  return checkovTempFolder;
}

/** A peer's run, refused unless it ended as the tool ends a run that judged its input (0: clean, 1: findings). */
function judged(peer: Peer, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const result = run(executable(peer), args, { env: peer === 'checkov' ? { ...env, TMPDIR: checkovTemp() } : env });
  if (result.status !== 0 && result.status !== 1) throw new Error(`${peer} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
  return result;
}

/** kube-score's flags file: one flag per line, `#` comments and blank lines left out. */
export function kubeScoreFlags(): string[] {
  return readFileSync(PEER_CONFIG['kube-score'], 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function kubeLinter(files: readonly string[]): Finding[] {
  const { stdout } = judged('kube-linter', ['lint', '--config', PEER_CONFIG['kube-linter'], '--format', 'json', ...files]);
  const reports: any[] = JSON.parse(stdout).Reports ?? [];
  return reports.map((report) => ({
    peer: 'kube-linter',
    check: report.Check,
    object: `${report.Object.K8sObject.GroupVersionKind.Kind}/${report.Object.K8sObject.Name}`,
    message: report.Diagnostic.Message,
  }));
}

function kubeScore(files: readonly string[]): Finding[] {
  const { stdout } = judged('kube-score', ['score', ...kubeScoreFlags(), '--output-format', 'json', ...files]);
  const objects: any[] = JSON.parse(stdout);
  if (objects.length === 0) throw new Error(`kube-score judged no object in ${files.join(' ')}`);
  return objects.flatMap((object) =>
    object.checks
      // Grades: 10 all OK, 7 almost OK, 5 warning, 1 critical. Anything short of OK is a finding.
      .filter((check: any) => !check.skipped && check.grade < 10)
      .map((check: any) => ({
        peer: 'kube-score' as const,
        check: check.check.id,
        object: `${object.type_meta.kind}/${object.object_meta.name}`,
        message: check.comments.map((comment: any) => `${comment.path} ${comment.summary}`.trim()).join('; '),
      })),
  );
}

/** checkov's failed checks; `framework` must have judged something, or the run proves nothing. */
function checkovFindings(stdout: string, framework: string, what: string): Finding[] {
  // One report, or a list of them when several frameworks ran.
  const reports: any[] = [JSON.parse(stdout)].flat();
  if (!reports.some((report) => report.check_type === framework && report.summary?.passed > 0)) {
    throw new Error(`checkov's ${framework} framework judged nothing in ${what}:\n${stdout.slice(0, 2000)}`);
  }
  return reports.flatMap((report) =>
    (report.results?.failed_checks ?? []).map((failed: any) => {
      // Resources read Kind.namespace.name (graph checks append the labels).
      const [kind, , name] = String(failed.resource).split('.');
      return { peer: 'checkov' as const, check: failed.check_id, object: `${kind}/${name}`, message: failed.check_name };
    }),
  );
}

function checkov(files: readonly string[]): Finding[] {
  const { stdout } = judged('checkov', ['--config-file', PEER_CONFIG.checkov, '--framework', 'kubernetes', '--output', 'json', ...files.flatMap((file) => ['--file', file])]);
  return checkovFindings(stdout, 'kubernetes', files.join(' '));
}

/** Every finding of the three peers on these manifest files. */
export function findings(files: readonly string[]): Finding[] {
  return [...kubeLinter(files), ...kubeScore(files), ...checkov(files)];
}

/** The findings of one peer on these manifest files. */
export function findingsOf(peer: Peer, files: readonly string[]): Finding[] {
  return { 'kube-linter': kubeLinter, 'kube-score': kubeScore, checkov }[peer](files);
}

/**
 * checkov's Helm framework on a chart folder: checkov runs `helm template` itself (helm v4, the one
 * first on PATH), with these values files.
 */
export function checkovOnChart(chartDir: string, valuesFiles: readonly string[]): Finding[] {
  const helmV4 = helms().find((helm) => helm.major === 4);
  if (!helmV4) throw new Error('no helm v4 (npm ci installs it)');
  const args = ['--config-file', PEER_CONFIG.checkov, '--framework', 'helm', '--output', 'json', '--directory', chartDir, ...valuesFiles.flatMap((file) => ['--var-file', file])];
  const { stdout } = judged('checkov', args, { ...process.env, PATH: pathWithHelm(helmV4) });
  return checkovFindings(stdout, 'helm', `${chartDir} (is helm on PATH?)`);
}

/**
 * The checks a peer runs with our configuration: kube-linter's as its own lint report lists them (custom
 * ones included), kube-score's and checkov's catalogue less what our configuration ignores or skips.
 */
export function enabledChecks(peer: Peer, anyManifest: string): Set<string> {
  if (peer === 'kube-linter') {
    const { stdout } = judged(peer, ['lint', '--config', PEER_CONFIG[peer], '--format', 'json', anyManifest]);
    return new Set(JSON.parse(stdout).Checks.map((check: any) => check.name));
  }
  if (peer === 'kube-score') {
    const ignored = kubeScoreFlags().flatMap((flag) => /^--ignore-test=(.+)$/.exec(flag)?.[1] ?? []);
    const { stdout } = judged(peer, ['list']);
    return new Set(stdout.trim().split('\n').map((line) => line.split(',')[0]).filter((id) => !ignored.includes(id)));
  }
  const skipped = new Set<string>(parse(readFileSync(PEER_CONFIG.checkov, 'utf8'))['skip-check']);
  const { stdout } = judged(peer, ['--list', '--framework', 'kubernetes', '--skip-download']);
  return new Set([...stdout.matchAll(/\bCKV2?_K8S_\d+\b/g)].map(([id]) => id).filter((id) => !skipped.has(id)));
}

/** Findings as lines a failing test prints: peer, check, object, message. */
export const described = (list: readonly Finding[]) => list.map(({ peer, check, object, message }) => `${peer} ${check} ${object}: ${message}`);
