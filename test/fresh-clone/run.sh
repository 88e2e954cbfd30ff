#!/usr/bin/env bash
# npm run test:fresh-clone: README's first commands on a fresh clone of this checkout's HEAD leave the
# tree as git has it: after `npm ci`, after `npm install` (which must not rewrite package-lock.json),
# and after `npm run synth`. Each step's `git status` must be empty; any change is printed. The clone
# lives in a temporary folder, removed on success, failure and Ctrl-C.
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
