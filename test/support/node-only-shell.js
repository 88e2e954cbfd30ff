#!/usr/bin/env node
/*
 * A stand-in for the shell npm runs package.json scripts with (`npm run --script-shell=THIS ...`), for
 * test/npm-scripts.test.ts: it proves a script needs no POSIX shell, as under npm on Windows, where
 * cmd.exe runs it. npm calls it as `THIS -c "SCRIPT ARGS"`. The script's own text (npm_lifecycle_script)
 * must be a plain `node ...` command line: words, no quotes, no `$`, `&&`, `|`, `;`, redirections or
 * globs, no `.sh` file. The arguments npm appends after `--` are quoted for sh by npm itself (and for
 * cmd.exe on Windows), so single quotes are read there, and only there. Anything else is refused
 * with one line on stderr and exit 127. With TODO_CHATBOT_SHELL_CHECK_ONLY=1 it only checks.
 */
const { spawnSync } = require('node:child_process');

// What sh or cmd.exe would read as more than a word: quotes, variables (`$`, `%`), operators, redirections, globs.
const SHELL_CONSTRUCT = /["'`$\\;&|<>(){}*?%^!]/;
// In the appended arguments, npm quotes anything but word characters and @%+=:,./- (escape.sh of @npmcli/run-script).
const UNQUOTED_CONSTRUCT = /["`$\\;&|<>(){}*?!]/;

function refuse(why) {
  process.stderr.write(`node-only shell: refused: ${why}\n`);
  process.exit(127);
}

/** Words of a command line as npm writes it: spaces between words, '...' quoting the appended arguments. */
function words(line) {
  const result = [];
  let word = null;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === ' ') {
      if (word !== null) result.push(word);
      word = null;
    } else if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end < 0) refuse(`an unclosed quote in ${line}`);
      word = (word ?? '') + line.slice(index + 1, end);
      index = end;
    } else if (char === '\\' && line[index + 1] === "'") {
      // npm's escape of a quote inside an argument: '\''
      word = (word ?? '') + "'";
      index++;
    } else {
      if (UNQUOTED_CONSTRUCT.test(char)) refuse(`${JSON.stringify(char)} in ${line}: a shell construct`);
      word = (word ?? '') + char;
    }
  }
  if (word !== null) result.push(word);
  return result;
}

const [flag, line] = process.argv.slice(2);
if (flag !== '-c' || typeof line !== 'string') refuse(`called as ${process.argv.slice(2).join(' ')}, not -c COMMAND`);
const script = process.env.npm_lifecycle_script ?? line;
if (SHELL_CONSTRUCT.test(script)) refuse(`${script}: quotes, variables, operators or globs need a shell`);
const command = words(line);
const scriptWords = script.split(' ').filter(Boolean);
if (scriptWords[0] !== 'node') refuse(`${script}: not a node command line`);
const shellFile = scriptWords.find((word) => word.endsWith('.sh'));
if (shellFile) refuse(`${script}: ${shellFile} is a shell script`);
if (process.env.TODO_CHATBOT_SHELL_CHECK_ONLY === '1') {
  process.stdout.write(`node-only shell: would run ${JSON.stringify(command)}\n`);
  process.exit(0);
}
const run = spawnSync(process.execPath, command.slice(1), { stdio: 'inherit' });
if (run.error) refuse(String(run.error));
process.exit(run.status ?? 1);
