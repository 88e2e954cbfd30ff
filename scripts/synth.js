/*
 * `npm run synth`: a plain node entry point, so that it runs the same under npm on Windows (cmd.exe)
 * as on Linux and macOS, with no shell in between. It starts a second node from the compiled synth
 * when `npm run compile` (run by `npm install`) built one for this node and machine, else runs the
 * TypeScript sources in this process. The compiled synth runs the sources itself when they changed
 * after it was compiled (scripts/synth-snapshot.ts). Paths in the arguments are the caller's: this
 * script never changes folder.
 */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

require('./register.js');
const { compiledSynthPath, ROOT_VARIABLE } = require('./compiled-synth.ts');

const root = join(__dirname, '..');
const compiled = compiledSynthPath(root);
if (existsSync(compiled)) {
  // A snapshot can only be given to node when it starts: hence the second node.
  const synth = spawnSync(process.execPath, ['--snapshot-blob', compiled, '--', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, [ROOT_VARIABLE]: root } });
  if (synth.error) throw synth.error;
  // Ended by a signal (Ctrl-C): end the same way, so npm and the shell see it.
  if (synth.signal) process.kill(process.pid, synth.signal);
  process.exitCode = synth.status ?? 1;
} else {
  require('../main.ts');
}
