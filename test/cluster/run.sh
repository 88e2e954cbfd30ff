#!/usr/bin/env bash
# npm run test:cluster: the scenarios of test/cluster/ against a real control plane, once per pinned
# Kubernetes release (test/cluster/go/kubernetes-v*.mod: the newest stable minor and the oldest that
# Chart.yaml's kubeVersion admits). Binaries come from the cache, built on first use.
#   npm run test:cluster                               # every pinned release
#   CLUSTER_KUBERNETES_MINOR=v1.37 npm run test:cluster  # one
#   npm run test:cluster -- -t 'helm v3'               # arguments go to jest
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t minors < <(for modfile in test/cluster/go/kubernetes-v1.*.mod; do basename "$modfile" .mod; done | sed 's/^kubernetes-//' | sort -t. -k2,2nr)
if [[ -n "${CLUSTER_KUBERNETES_MINOR:-}" ]]; then minors=("$CLUSTER_KUBERNETES_MINOR"); fi
test/cluster/build.sh kwok >/dev/null
test/cluster/build.sh registry >/dev/null
for minor in "${minors[@]}"; do
  test/cluster/build.sh kubernetes "$minor" >/dev/null
done
# Every release runs even when one fails: which releases fail is part of the answer.
failed=()
for minor in "${minors[@]}"; do
  echo "=== control plane tier on Kubernetes $minor"
  CLUSTER_KUBERNETES_MINOR=$minor npx jest -c jest.cluster.config.js "$@" || failed+=("$minor")
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "control plane tier failed on Kubernetes ${failed[*]}" >&2
  exit 1
fi
