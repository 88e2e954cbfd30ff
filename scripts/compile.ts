/*
 * `npm run compile`, which `npm install` and `npm ci` run (`prepare`): compiles the synth into a V8
 * startup snapshot for this node (scripts/synth-snapshot.ts says what it holds and when it is not
 * used). esbuild bundles the synth into one script, because a snapshot can only be built from one
 * script; node runs it with --build-snapshot. The snapshot is written aside and renamed, so a synth
 * never starts from half a file. Without esbuild (an install without devDependencies) nothing is
 * compiled and `npm run synth` runs the TypeScript sources; so it does after a failed `prepare`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { compiledSynthPath, SOURCES_VARIABLE } from './compiled-synth';

const ROOT = join(__dirname, '..');

function hasEsbuild(): boolean {
  try {
    require.resolve('esbuild');
    return true;
  } catch {
    return false;
  }
}

/** Compiles to where scripts/synth.js looks for it with this environment; returns the snapshot's path. */
export function compileSynth(env: NodeJS.ProcessEnv = process.env): string {
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const target = compiledSynthPath(ROOT, env);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}`;
  const bundle = `${partial}.js`;
  try {
    const { metafile } = buildSync({
      absWorkingDir: ROOT,
      entryPoints: ['scripts/synth-snapshot.ts'],
      bundle: true,
      platform: 'node',
      target: `node${process.versions.node}`,
      outfile: bundle,
      metafile: true,
      logLevel: 'error',
      // A smaller snapshot starts faster (8.4 MB against 10.5 MB). Names are kept, so a crash's stack trace
      // still names the functions; `node -r ./scripts/register.js main.ts` runs the sources with line numbers.
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none',
    });
    // Our files it was bundled from, and npm's record of what is installed (the bundled dependencies).
    const sources = [...Object.keys(metafile.inputs).filter((file) => !file.split('/').includes('node_modules')), 'node_modules/.package-lock.json'].sort();
    const built = spawnSync(process.execPath, ['--snapshot-blob', partial, '--build-snapshot', bundle], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, [SOURCES_VARIABLE]: JSON.stringify(sources) },
    });
    // On success node's only output is its notice that cdk8s loads child_process (for URLs, which the synth never reads).
    if (built.status !== 0) throw new Error(`node --build-snapshot failed (exit ${built.status}):\n${built.stderr}`);
    renameSync(partial, target);
    return target;
  } finally {
    rmSync(bundle, { force: true });
    rmSync(partial, { force: true });
  }
}

if (require.main === module) {
  // `prepare` passes --optional: a synth that cannot be compiled still runs from its sources, so it
  // must not fail an install; `npm run compile` and the tests fail loudly instead.
  const optional = process.argv.includes('--optional');
  if (!hasEsbuild()) {
    process.stdout.write('compile: esbuild (a devDependency) is not installed; npm run synth runs the TypeScript sources\n');
  } else {
    const started = process.hrtime.bigint();
    try {
      const target = compileSynth();
      process.stdout.write(`compile: the synth is compiled into ${relative(process.cwd(), target)} (${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms)\n`);
    } catch (error) {
      if (!optional) throw error;
      process.stdout.write(`compile: not compiled (${String((error as Error).message).split('\n')[0]}); npm run synth runs the TypeScript sources\n`);
    }
  }
}
