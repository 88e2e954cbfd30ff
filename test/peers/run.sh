#!/usr/bin/env bash
# npm run test:peers: the field's own linters (kube-linter, kube-score, checkov) over every output, and
# the agreement of our policy rules with theirs (test/peers/*.peers.test.ts). The linters come from the
# cache, installed on first use by test/peers/install.sh.
#   npm run test:peers                      # everything
#   npm run test:peers -- -t checkov        # arguments go to jest
set -euo pipefail
cd "$(dirname "$0")/../.."
while IFS='=' read -r name path; do
  case $name in
    kube-linter) export PEER_KUBE_LINTER=$path ;;
    kube-score) export PEER_KUBE_SCORE=$path ;;
    checkov) export PEER_CHECKOV=$path ;;
  esac
done < <(test/peers/install.sh)
npx jest -c jest.peers.config.js "$@"
