/*
 * The compiled synth. `npm run compile` (which `npm install` and `npm ci` run, through `prepare`)
 * bundles this file with everything it imports into one script and runs it once under
 * `node --build-snapshot`: the modules are loaded, the schema is built, the chart is generated and
 * packaged, and a synth of each profile runs, so that V8 keeps all of it in a startup snapshot.
 * `npm run synth` (scripts/synth.js) starts node from that snapshot and only the synth's own work is
 * left to do. The snapshot holds code as it was when it was compiled: when a source it was compiled
 * from has changed since, it runs the TypeScript sources instead, as if it had never been compiled.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';
import { CliIo, runCli } from '../src/cli';
import { loadSettings } from '../src/config/load';
import { PROFILE_NAMES } from '../src/config/profiles';
import { synth } from '../src/synth';
import { fingerprint, ROOT_VARIABLE, SOURCES_VARIABLE } from './compiled-synth';

/**
 * Runs the sources' own entry point, main.ts, as `node -r ./scripts/register.js main.ts ARGS` would:
 * through the process (its arguments, environment and exit code) only, the one interface this
 * compiled code shares with sources written after it.
 */
function runSources(root: string): void {
  process.argv = [process.argv[0], join(root, 'main.ts'), ...process.argv.slice(1)];
  const load = createRequire(join(root, 'package.json'));
  load('./scripts/register.js');
  load('./main.ts');
}

if (startupSnapshot.isBuildingSnapshot()) {
  const sources = JSON.parse(process.env[SOURCES_VARIABLE] ?? '[]') as string[];
  const compiledFrom = fingerprint(process.cwd(), sources);
  // Everything a synth loads or builds lazily is loaded and built now, once, into the snapshot.
  for (const profile of PROFILE_NAMES) synth(loadSettings({ profile }));

  startupSnapshot.setDeserializeMainFunction(() => {
    const root = process.env[ROOT_VARIABLE] ?? process.cwd();
    if (fingerprint(root, sources) !== compiledFrom) {
      runSources(root);
      return;
    }
    const io: CliIo = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), env: process.env, projectRoot: root };
    // node runs the snapshot as `node --snapshot-blob FILE -- ARGS`: argv holds node, then ARGS.
    void runCli(process.argv.slice(1), io).then((code) => {
      process.exitCode = code;
    });
  });
}
