#!/usr/bin/env bash
# Builds what the node tier needs beside a Kubernetes release (test/cluster/build.sh builds the kubelet
# and kube-proxy with it), each into a cache folder named by a hash of its inputs; a second run builds
# nothing. Prints the folder.
#   test/node/build.sh tools    # CoreDNS and the pause process, static Go binaries
#   test/node/build.sh images   # the reference images, as `docker save` archives
#   test/node/build.sh kube-router  # the NetworkPolicy enforcer, pinned in go/kube-router/go.mod
# The images are built with `docker build` from the Dockerfiles of docs/image-contract.md (test/node/images/),
# on a local Debian base made with debootstrap, by a dockerd started here for the build and stopped after it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
what=${1:?usage: build.sh tools | images | kube-router}
# shellcheck source=SCRIPTDIR/../support/cache.sh
source "$here/../support/cache.sh"

# The Debian release and packages of the images' base: Python for the backend, GNU wget for the test
# pods; Node.js 20 is this machine's own (Debian 12 ships 18).
debian_suite=bookworm
debian_packages=python3,python3-pip,ca-certificates,wget
debian_mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
debian_mirror=${debian_mirror:-http://deb.debian.org/debian}
# The names the node tier gives the images it makes besides the app's (the app's are the chart's defaults).
TESTS_IMAGE=todo-chatbot-test-wget:debian-$debian_suite
PAUSE_IMAGE=todo-chatbot-node/pause:local
COREDNS_IMAGE=todo-chatbot-node/coredns:local

build_tools() {
  local out=$1
  (cd "$here/go" && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$out/" ./coredns ./pause)
}

# kube-router v2.1.0 is the one version the module proxy serves here, though security reports exist for it:
# the tier runs its firewall alone (no BGP router, no service proxy, no health or metrics port), for the
# length of a run, on the pods of its own bridge.
build_kube_router() {
  local version=$1 out=$2
  (cd "$here/go/kube-router" && CGO_ENABLED=0 go build -trimpath \
    -ldflags="-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$version" \
    -o "$out/" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router)
}

tools_key() { fingerprint "$here/build.sh" "$here/go/go.mod" "$here/go/go.sum" "$here/go/coredns/main.go" "$here/go/pause/main.go"; }

# Everything an image is made of: its folder, the Debian base's recipe, this machine's Node.js and trust store.
images_key() {
  {
    (cd "$here/images" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    echo "$debian_suite $debian_packages"
    node --version
    sha256sum /etc/ssl/certs/ca-certificates.crt
    tools_key
  } | sha256sum | cut -c1-12
}

# dockerd with everything of its own under $work: no bridge, no iptables rules, no forwarding, its
# containers' cgroups under one parent that is removed with it. Killed with this script.
docker_pid=
stop_docker() {
  local work=$1
  if [[ -n "$docker_pid" ]]; then
    kill "$docker_pid" 2>/dev/null || true
    wait "$docker_pid" 2>/dev/null || true
    docker_pid=
  fi
  # dockerd leaves its network namespace mounted under its exec root.
  awk -v work="$work/" 'index($5, work) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r mount; do
    umount -l "$mount"
  done
  local cgroup
  for cgroup in /sys/fs/cgroup/*/todo-chatbot-image-build; do
    if [[ -d "$cgroup" ]]; then find "$cgroup" -depth -type d -exec rmdir {} +; fi
  done
}

start_docker() {
  local work=$1
  mkdir -p "$work/docker-data" "$work/docker-exec"
  setpriv --pdeathsig KILL -- dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" \
    --pidfile "$work/docker.pid" -H "unix://$work/docker.sock" --iptables=false --ip6tables=false \
    --ip-forward=false --ip-masq=false --bridge=none --cgroup-parent=todo-chatbot-image-build \
    --userland-proxy=false --log-level=warn >"$work/dockerd.log" 2>&1 &
  docker_pid=$!
  export DOCKER_HOST="unix://$work/docker.sock"
  for _ in $(seq 1 120); do
    docker_cli version >/dev/null 2>&1 && return
    kill -0 "$docker_pid" 2>/dev/null || { cat "$work/dockerd.log" >&2; echo "build.sh: dockerd exited" >&2; return 1; }
    sleep 0.5
  done
  cat "$work/dockerd.log" >&2
  echo "build.sh: dockerd did not answer within 60 s" >&2
  return 1
}

# Debian's docker client, the one that matches Debian's dockerd (another may be first on PATH).
docker_cli() { /usr/bin/docker "$@"; }

# A Debian root filesystem, this machine's Node.js 20 and trust store (package registries are reached
# through it), as one image: the local stand-in for python:3.12-slim and node:20-alpine.
debian_base() {
  local work=$1 root=$1/rootfs
  debootstrap --variant=minbase --include="$debian_packages" "$debian_suite" "$root" "$debian_mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; echo "build.sh: debootstrap failed" >&2; return 1; }
  cp /usr/bin/node "$root/usr/bin/node"
  mkdir -p "$root/usr/lib/node_modules"
  cp -a /usr/lib/node_modules/npm "$root/usr/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  # pip installs into the system's Python, as it does in python:3.12-slim.
  rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
  rm -rf "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/man "$root/etc/resolv.conf"
  tar -C "$root" --numeric-owner -c . | docker_cli import \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' --change 'CMD ["/bin/bash"]' \
    - todo-chatbot-node/debian-base:"$debian_suite" >/dev/null
  rm -rf "$root"
}

# An image of one static binary, as the upstream pause and CoreDNS images are.
static_image() {
  local binary=$1 image=$2
  tar -C "$(bash "$here/build.sh" tools)" --owner=0 --group=0 -c "$binary" |
    docker_cli import --change "ENTRYPOINT [\"/$binary\"]" --change 'USER 65535:65535' - "$image" >/dev/null
}

build_images() {
  local out=$1
  # A subshell of its own, so that its clean-up runs on any exit, before build_into's.
  (
    work=$(mktemp -d /tmp/todo-chatbot-image-build.XXXXXX)
    trap 'stop_docker "$work"; rm -rf "$work"' EXIT
    start_docker "$work"
    debian_base "$work"
    base="todo-chatbot-node/debian-base:$debian_suite"
    # The build steps fetch packages from the registries (pip, npm): the build containers use this
    # machine's network, as `docker build` on a user's machine does.
    docker_cli build -q --network=host --build-arg PYTHON_IMAGE="$base" -t todo-chatbot-backend:local "$here/images/backend" >/dev/null
    docker_cli build -q --network=host --build-arg NODE_IMAGE="$base" -t todo-chatbot-frontend:local "$here/images/frontend" >/dev/null
    docker_cli build -q --network=none --build-arg BASE_IMAGE="$base" -t "$TESTS_IMAGE" "$here/images/tests" >/dev/null
    static_image pause "$PAUSE_IMAGE"
    static_image coredns "$COREDNS_IMAGE"
    for image in todo-chatbot-backend:local todo-chatbot-frontend:local "$TESTS_IMAGE" "$PAUSE_IMAGE" "$COREDNS_IMAGE"; do
      docker_cli save "$image" >"$out/$(echo "$image" | tr '/:' '__').tar"
    done
    # The names by role, for the node tier (test/node/support/images.ts).
    printf '{"backend":"%s","frontend":"%s","tests":"%s","pause":"%s","coredns":"%s"}\n' \
      todo-chatbot-backend:local todo-chatbot-frontend:local "$TESTS_IMAGE" "$PAUSE_IMAGE" "$COREDNS_IMAGE" >"$out/images.json"
  )
}

case $what in
  tools) build_into "$cache_root/node-tools-$(tools_key)" build_tools ;;
  images)
    for tool in debootstrap dockerd; do
      command -v "$tool" >/dev/null 2>&1 || { echo "build.sh: $tool is needed to build the images (apt-get install debootstrap docker.io)" >&2; exit 1; }
    done
    build_into "$cache_root/node-images-$(images_key)" build_images
    ;;
  kube-router)
    version=$(cd "$here/go/kube-router" && go list -m -f '{{.Version}}' github.com/cloudnativelabs/kube-router/v2)
    build_into "$cache_root/kube-router-$version-$(fingerprint "$here/build.sh" "$here/go/kube-router/go.mod" "$here/go/kube-router/go.sum")" build_kube_router "$version"
    ;;
  *) echo "build.sh: unknown target $what (tools, images or kube-router)" >&2; exit 2 ;;
esac
