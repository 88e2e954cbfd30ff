import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { JsonSchema, schemaAt, schemaLeaves } from '../src/config/json-schema';
import { ADDED_IN } from '../src/config/schema';
import { CHART_NAME } from '../src/model/helpers';
import { CHART_VERSION, synth } from '../src/synth';
import { loadSettings } from '../src/config/load';
import { compareVersions, releaseOf, releases, RELEASES, versionParts } from '../scripts/release';
import { untar } from './support/files';

/*
 * The release discipline: the chart version in package.json is SemVer and is kept as released in
 * test/releases/ (`npm run release`). A landing that changes the packaged chart must bump the version
 * and keep the new release; a release, once kept, never changes.
 */

const packagedNow = () => untar(synth(loadSettings()).dist.get(`${CHART_NAME}-${CHART_VERSION}.tgz`)?.content as Buffer);
const packagedIn = (version: string) => untar(readFileSync(releaseOf(version).tgz));

/** The settings a chart's values.schema.json names, as dotted paths. */
function settingsOf(files: Map<string, string>): Set<string> {
  const schema = JSON.parse(files.get(`${CHART_NAME}/values.schema.json`) ?? '{}') as JsonSchema;
  return new Set(schemaLeaves(schema).map(({ path }) => path.join('.')));
}

describe('releases', () => {
  it('the chart version in package.json is SemVer (major.minor.patch) and the newest release kept', () => {
    expect(versionParts(CHART_VERSION)).toBeDefined();
    const versions = releases().map((release) => release.version);
    expect(versions[versions.length - 1]).toBe(CHART_VERSION);
    expect(readdirSync(RELEASES).filter((name) => !versionParts(name))).toEqual([]);
  });

  it('the packaged chart is the one kept as released for its version (a changed chart needs a new version: bump it and run npm run release)', () => {
    const [now, released] = [packagedNow(), packagedIn(CHART_VERSION)];
    const changed = [...new Set([...now.keys(), ...released.keys()])].filter((path) => now.get(path) !== released.get(path)).sort();
    expect({ version: CHART_VERSION, changedSinceItsRelease: changed }).toEqual({ version: CHART_VERSION, changedSinceItsRelease: [] });
  });

  it.each(releases().map((release) => [release.version]))('release %s packages a chart of its own version, with the raw manifests beside it', (version) => {
    const chart = packagedIn(version).get(`${CHART_NAME}/Chart.yaml`) ?? '';
    expect(chart).toMatch(new RegExp(`^version: ${version.replace(/\./g, '\\.')}$`, 'm'));
    expect(readdirSync(releaseOf(version).folder).sort()).toEqual(['00-namespace.yaml', '20-todo-chatbot.yaml', 'README.md', `${CHART_NAME}-${version}.tgz`]);
  });

  it('a setting an earlier release lacks is marked with the release that added it (x-added-in), and no later one', () => {
    const current = JSON.parse(packagedNow().get(`${CHART_NAME}/values.schema.json`) ?? '{}') as JsonSchema;
    /** The version that added a setting: its own mark, or the nearest one above it. */
    const addedIn = (path: string): string | undefined => {
      const keys = path.split('.');
      const marks = keys.map((_, index) => schemaAt(current, keys.slice(0, index + 1))?.[ADDED_IN] as string | undefined);
      return marks.find((mark) => mark !== undefined);
    };
    for (const release of releases()) {
      const had = settingsOf(packagedIn(release.version));
      const judged = [...settingsOf(packagedNow())].map((path) => {
        const since = addedIn(path);
        return { release: release.version, path, had: had.has(path), marked: since !== undefined && compareVersions(since, release.version) > 0 };
      });
      // Lacked by the release exactly when marked as added after it.
      expect(judged.filter(({ had: present, marked }) => present === marked)).toEqual([]);
    }
  });

  it('npm run release refuses to keep a version again, with one line saying what to do', () => {
    const root = join(__dirname, '..');
    const run = spawnSync(process.execPath, ['-r', './scripts/register.js', 'scripts/release.ts'], { cwd: root, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: `release: ${CHART_VERSION} is released already (${releaseOf(CHART_VERSION).folder}); bump "version" in package.json first\n` });
  });

  it('a release is kept once and never changed: git shows each of its files added, never modified', () => {
    const root = join(__dirname, '..');
    // Without rename detection, which takes a new release's manifests for an edit of the last one's; a
    // shallow clone shows only additions, and so passes.
    const changes = releases().flatMap((release) =>
      readdirSync(release.folder).flatMap((file) => {
        const path = relative(root, join(release.folder, file));
        const log = execFileSync('git', ['log', '--no-renames', '--format=', '--name-status', '--', path], { cwd: root, encoding: 'utf8' });
        return log
          .split('\n')
          .filter((line) => line && !/^A\t/.test(line))
          .map((line) => `${path}: ${line}`);
      }),
    );
    expect(changes).toEqual([]);
  });

  it('each version follows SemVer from the one before: a minor (or major) bump where settings were added, and a major one (or, before 1.0, a minor one) where any went', () => {
    const kept = releases();
    for (const [index, release] of kept.entries()) {
      if (index === 0) continue;
      const before = kept[index - 1];
      const [old, now] = [settingsOf(packagedIn(before.version)), settingsOf(packagedIn(release.version))];
      const [added, removed] = [[...now].filter((path) => !old.has(path)), [...old].filter((path) => !now.has(path))];
      const [from, to] = [versionParts(before.version), versionParts(release.version)] as [number, number, number][];
      const bump = to[0] > from[0] ? 'major' : to[1] > from[1] ? 'minor' : 'patch';
      const needed = removed.length > 0 ? (from[0] === 0 ? 'minor' : 'major') : added.length > 0 ? 'minor' : 'patch';
      const order = ['patch', 'minor', 'major'];
      expect({ release: release.version, added, removed, enough: order.indexOf(bump) >= order.indexOf(needed) }).toEqual({ release: release.version, added, removed, enough: true });
      expect(compareVersions(release.version, before.version)).toBeGreaterThan(0);
    }
  });
});
