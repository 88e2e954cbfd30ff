#!/usr/bin/env bash
# npm run test:node: the scenarios of test/node/ on a real worker node, once per pinned Kubernetes release
# (test/cluster/go/kubernetes-v*.mod). Linux only, as root: the node runs containerd, the kubelet and
# kube-proxy on this machine. Binaries and images come from the cache, built on first use.
#   npm run test:node                                 # every pinned release
#   CLUSTER_KUBERNETES_MINOR=v1.37 npm run test:node  # one
#   npm run test:node -- -t 'helm v3'                 # arguments go to jest
# Whatever happens (a failure, Ctrl-C, a killed runner), the host is put back as it was found, and the
# run fails when it is not: the machine's links, namespaces, routes, rules, mounts, cgroups, sysctls and
# node processes are compared before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ $(id -u) -eq 0 ]] || { echo "test:node: the node tier runs a kubelet and containerd, and needs root" >&2; exit 1; }
for tool in containerd runc ctr ip iptables nft ipset conntrack debootstrap dockerd go; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test:node: $tool is not installed (.ci/run installs the node tier's Debian packages)" >&2; exit 1; }
done
mapfile -t minors < <(for modfile in test/cluster/go/kubernetes-v1.*.mod; do basename "$modfile" .mod; done | sed 's/^kubernetes-//' | sort -t. -k2,2nr)
if [[ -n "${CLUSTER_KUBERNETES_MINOR:-}" ]]; then minors=("$CLUSTER_KUBERNETES_MINOR"); fi
started=$SECONDS
test/node/build.sh images >/dev/null
test/node/build.sh kube-router >/dev/null
for minor in "${minors[@]}"; do
  test/cluster/build.sh kubernetes "$minor" >/dev/null
done
echo "node tier: builds ready in $((SECONDS - started)) s (0 when cached)"

host() { node -r ./scripts/register.js test/node/support/host.ts "$@"; }
state_dir=$(host state-dir)
work=$(mktemp -d)
restore() { host restore; rm -rf "$work"; }
trap restore EXIT
trap 'exit 130' INT TERM
# A run killed before its teardown (a runner stopped with the machine still up) leaves its node's state
# folder, pods and rules behind: undone first, so that the machine as found is the machine without them.
[[ -d $state_dir ]] && echo "node tier: undoing what an earlier run left in $state_dir"
host restore
host fingerprint >"$work/before.json"

# Whether the machine is as run.sh found it; prints what differs.
check_machine() {
  host fingerprint >"$work/after.json"
  if ! diff -u "$work/before.json" "$work/after.json" >"$work/diff"; then
    echo "node tier: $1 left the machine changed (- before, + after):" >&2
    cat "$work/diff" >&2
    return 1
  fi
  echo "node tier: the machine is as found after $1"
}

# Ctrl-C in the middle of a run, as a terminal sends it (SIGINT to the runner's process group), once the
# node runs the app's pods: the runner dies without its teardown, and restoring from the state folder
# alone must still leave the machine as found.
interrupted_run() {
  # Its temporary folders in $work: a runner stopped by Ctrl-C runs no teardown, and they go with $work.
  mkdir -p "$work/tmp"
  CLUSTER_KUBERNETES_MINOR=$1 TMPDIR="$work/tmp" setsid npx jest -c jest.node.config.js raw.node >"$work/interrupted.log" 2>&1 &
  local runner=$! shims=0
  for _ in $(seq 1 300); do
    # CoreDNS and the app's two pods: a sandbox and a container each.
    shims=$(pgrep -fc "containerd-shim.*$state_dir" || true)
    [[ $shims -ge 3 ]] && break
    sleep 1
  done
  kill -INT -- "-$runner" 2>/dev/null || true
  wait "$runner" || true
  if [[ $shims -lt 3 ]]; then
    echo "node tier: the interrupted run never started the app's pods:" >&2
    tail -n 40 "$work/interrupted.log" >&2
    return 1
  fi
  host restore
  check_machine "a run interrupted with Ctrl-C"
}

# Every release runs even when one fails: which releases fail is part of the answer.
failed=()
interrupted_run "${minors[0]}" || failed+=("${minors[0]} (interrupted run)")
for minor in "${minors[@]}"; do
  echo "=== node tier on Kubernetes $minor"
  started=$SECONDS
  CLUSTER_KUBERNETES_MINOR=$minor npx jest -c jest.node.config.js "$@" || failed+=("$minor")
  echo "node tier on Kubernetes $minor took $((SECONDS - started)) s"
  host restore
  check_machine "the run on Kubernetes $minor" || failed+=("$minor (machine not left as found)")
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "node tier failed on Kubernetes ${failed[*]}" >&2
  exit 1
fi
