#!/usr/bin/env bash
# Builds one pinned Kubernetes release (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# the etcd that release pins, and the node's kubelet and kube-proxy, in one `go build` that shares their
# packages), kwok and distribution's registry, each into a cache folder named by its
# version and a hash of its pins. A second run finds them there and builds nothing.
# Prints the folder that holds the binaries. Usage: test/cluster/build.sh kubernetes v1.37 | kwok | registry
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
what=${1:?usage: build.sh kubernetes vMAJOR.MINOR | kwok | registry}
# shellcheck source=SCRIPTDIR/../support/cache.sh
source "$here/../support/cache.sh"

# The version stamps hack/lib/version.sh sets: helm compares Chart.yaml's kubeVersion with what the API
# server reports, and an unstamped build reports v0.0.0.
kubernetes_ldflags() {
  local version=$1
  [[ $version =~ ^v1\.([0-9]+)\. ]]
  local minor=${BASH_REMATCH[1]} ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$ldflags"
}

build_kubernetes() {
  local modfile=$1 version=$2 out=$3 ldflags
  ldflags=$(kubernetes_ldflags "$version")
  (cd "$here/go" && go build -modfile="$modfile" -trimpath -ldflags="$ldflags" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy ./etcd)
}

# kwok runs no stage unless given one: beside the binary go the stages kwokctl itself gives kwok (nodes
# turn Ready and keep a lease; pods turn Ready, Job pods complete, deleted pods go), from the same module.
build_kwok() {
  local out=$1
  (cd "$here/go/kwok" && go build -trimpath -ldflags="-s -w" -o "$out/" sigs.k8s.io/kwok/cmd/kwok)
  local module; module=$(cd "$here/go/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  mkdir -p "$out/stages"
  cp "$module"/kustomize/stage/node/fast/node-initialize.yaml \
    "$module"/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    "$module"/kustomize/stage/pod/fast/pod-{ready,complete,delete}.yaml "$out/stages/"
  chmod 0644 "$out"/stages/*
}

build_registry() {
  local out=$1
  (cd "$here/go/registry" && go build -trimpath -ldflags="-s -w" -o "$out/" github.com/distribution/distribution/v3/cmd/registry)
}

case $what in
  kubernetes)
    minor=${2:?usage: build.sh kubernetes vMAJOR.MINOR}
    modfile="kubernetes-$minor.mod"
    [[ -f "$here/go/$modfile" ]] || { echo "build.sh: no pinned release for $minor (test/cluster/go/$modfile)" >&2; exit 2; }
    version=$(cd "$here/go" && go mod edit -modfile="$modfile" -json | node -e '
      const mod = JSON.parse(require("fs").readFileSync(0, "utf8"));
      process.stdout.write(mod.Require.find((r) => r.Path === "k8s.io/kubernetes").Version)')
    key=$(fingerprint "$here/go/$modfile" "$here/go/${modfile%.mod}.sum" "$here/go/etcd/main.go" <(kubernetes_ldflags "$version"))
    build_into "$cache_root/kubernetes-$version-$key" build_kubernetes "$modfile" "$version"
    ;;
  kwok)
    version=$(cd "$here/go/kwok" && go list -m -f '{{.Version}}' sigs.k8s.io/kwok)
    key=$(fingerprint "$here/go/kwok/go.mod" "$here/go/kwok/go.sum")
    build_into "$cache_root/kwok-$version-$key" build_kwok
    ;;
  registry)
    version=$(cd "$here/go/registry" && go list -m -f '{{.Version}}' github.com/distribution/distribution/v3)
    key=$(fingerprint "$here/go/registry/go.mod" "$here/go/registry/go.sum")
    build_into "$cache_root/registry-$version-$key" build_registry
    ;;
  *) echo "build.sh: unknown target $what (kubernetes, kwok or registry)" >&2; exit 2 ;;
esac
