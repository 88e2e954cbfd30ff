#!/usr/bin/env bash
# npm run test:fresh-clone: README's first commands on a fresh clone of this checkout's HEAD leave the
# tree as git has it: after `npm ci`, after `npm install` (which must not rewrite package-lock.json),
# and after `npm run synth`. Each step's `git status` must be empty; any change is printed.
# Then a clone as Git for Windows makes it (core.autocrlf=true), in a folder whose path has spaces and
# non-ASCII letters (a Windows user folder): every text file is checked out LF (.gitattributes),
# `npm ci` and `npm run synth` write the same bytes as the first clone's, `npm test` passes, and the
# tree stays clean. The clones live in a temporary folder, removed on success, failure and Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/todo-chatbot-fresh-clone-XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
git clone --quiet "$root" "$work/clone"
cd "$work/clone"

clean_after() {
  local step=$1 changes
  changes=$(git status --porcelain --untracked-files=all)
  if [[ -n "$changes" ]]; then
    echo "fresh clone: \`$step\` changed the tree:" >&2
    echo "$changes" >&2
    git --no-pager diff --stat >&2
    return 1
  fi
  echo "fresh clone: the tree is clean after \`$step\`"
}

export CDK8S_CHECK_UPGRADE=false
npm ci --no-audit --no-fund >"$work/npm-ci.log" 2>&1 || { cat "$work/npm-ci.log" >&2; exit 1; }
clean_after "npm ci"
npm install --no-audit --no-fund >"$work/npm-install.log" 2>&1 || { cat "$work/npm-install.log" >&2; exit 1; }
clean_after "npm install"
npm run synth >"$work/synth.log" 2>&1 || { cat "$work/synth.log" >&2; exit 1; }
clean_after "npm run synth"

windows="$work/Jürgen Müller/todo chatbot"
git clone --quiet --config core.autocrlf=true "$root" "$windows"
cd "$windows"
crlf=$(git ls-files --eol | awk '$2 == "w/crlf" || $2 == "w/mixed" { print $NF }')
if [[ -n "$crlf" ]]; then
  echo "fresh clone (core.autocrlf=true): these files were checked out with CRLF line endings:" >&2
  echo "$crlf" >&2
  exit 1
fi
echo "fresh clone (core.autocrlf=true): every text file is checked out LF"
npm ci --no-audit --no-fund >"$work/npm-ci-autocrlf.log" 2>&1 || { cat "$work/npm-ci-autocrlf.log" >&2; exit 1; }
clean_after "npm ci (core.autocrlf=true)"
npm run synth >"$work/synth-autocrlf.log" 2>&1 || { cat "$work/synth-autocrlf.log" >&2; exit 1; }
if ! diff -r "$work/clone/dist" "$windows/dist" >&2; then
  echo "fresh clone (core.autocrlf=true): npm run synth wrote other bytes in dist/ than the first clone" >&2
  exit 1
fi
echo "fresh clone (core.autocrlf=true): npm run synth wrote the same bytes in dist/ as the first clone"
clean_after "npm run synth (core.autocrlf=true)"
npm test -- --ci >"$work/npm-test-autocrlf.log" 2>&1 || { cat "$work/npm-test-autocrlf.log" >&2; echo "fresh clone (core.autocrlf=true): npm test failed" >&2; exit 1; }
tail -n 5 "$work/npm-test-autocrlf.log"
clean_after "npm test (core.autocrlf=true)"
