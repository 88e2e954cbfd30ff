/*
 * `npm run release`: keeps the chart of the version in package.json as released, in
 * test/releases/<version>/: the packaged chart and the raw manifests `npm run synth` writes, never to be
 * changed after (test/release.test.ts holds both). Run it in the change that bumps the version: patch
 * for a fix, minor for new values, as SemVer says. The helpers below are the tests' way to the releases.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_NAME } from '../src/model/helpers';
import { RAW_FILES } from '../src/outputs/raw';
import { CHART_VERSION } from '../src/synth';

export const RELEASES = join(__dirname, '..', 'test', 'releases');

/** A version as SemVer's three numbers (no pre-release or build part: the chart has none). */
export function versionParts(version: string): [major: number, minor: number, patch: number] | undefined {
  const match = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  if (!x || !y) throw new Error(`not a SemVer version: ${x ? b : a}`);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

export interface Release {
  readonly version: string;
  readonly folder: string;
  /** The packaged chart as released. */
  readonly tgz: string;
}

export function releaseOf(version: string): Release {
  const folder = join(RELEASES, version);
  return { version, folder, tgz: join(folder, `${CHART_NAME}-${version}.tgz`) };
}

/** Every release kept, oldest first. */
export function releases(): Release[] {
  return readdirSync(RELEASES)
    .filter((name) => versionParts(name))
    .sort(compareVersions)
    .map(releaseOf);
}

/** The newest release before `version`: what users upgrade from. */
export function previousRelease(version: string = CHART_VERSION): Release {
  const earlier = releases().filter((release) => compareVersions(release.version, version) < 0);
  if (earlier.length === 0) throw new Error(`no release before ${version} in ${RELEASES}`);
  return earlier[earlier.length - 1];
}

function main(): void {
  const release = releaseOf(CHART_VERSION);
  if (existsSync(release.folder)) {
    process.stderr.write(`release: ${CHART_VERSION} is released already (${release.folder}); bump "version" in package.json first\n`);
    process.exit(1);
  }
  const dist = join(__dirname, '..', 'dist');
  const files = [...Object.values(RAW_FILES).filter((file) => file !== RAW_FILES.secret), `${CHART_NAME}-${CHART_VERSION}.tgz`];
  const missing = files.filter((file) => !existsSync(join(dist, file)));
  if (missing.length > 0) {
    process.stderr.write(`release: dist/ lacks ${missing.join(', ')}; run npm run synth first\n`);
    process.exit(1);
  }
  mkdirSync(release.folder, { recursive: true });
  for (const file of files) copyFileSync(join(dist, file), join(release.folder, file));
  writeFileSync(
    join(release.folder, 'README.md'),
    `# Release ${CHART_VERSION}\n\nWhat \`npm run synth\` wrote for chart ${CHART_VERSION}, kept as it was: the raw manifests and the packaged chart.\nThe upgrade scenario of the control plane tier installs the release before the current one, then upgrades.\nNever regenerate these files: they stand for what users already run (test/release.test.ts holds that).\n`,
  );
  process.stdout.write(`release: kept chart ${CHART_VERSION} in ${release.folder}\n`);
}

if (require.main === module) main();
