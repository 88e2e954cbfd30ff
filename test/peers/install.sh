#!/usr/bin/env bash
# Installs the field's own linters at pinned versions, each into a cache folder named by its version and a
# hash of its pins (the same cache as the control plane binaries): kube-linter and kube-score built from
# the Go modules in test/peers/go/, checkov from PyPI into a virtual environment of its own. A second run
# finds them there and installs nothing. Prints one line per tool: NAME=PATH of its executable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=SCRIPTDIR/../support/cache.sh
source "$here/../support/cache.sh"

module_version() { (cd "$here/go/$1" && go list -m -f '{{.Version}}' "$2"); }

# Version-stamped like their release builds, so `kube-linter version` says what ran.
build_kube_linter() {
  (cd "$here/go/kube-linter" && go build -trimpath -ldflags="-s -w -X golang.stackrox.io/kube-linter/internal/version.version=${1#v}" \
    -o "$2/" golang.stackrox.io/kube-linter/cmd/kube-linter)
}

build_kube_score() {
  (cd "$here/go/kube-score" && go build -trimpath -ldflags="-s -w -X main.version=${1#v}" -o "$2/" github.com/zegl/kube-score/cmd/kube-score)
}

# Every package pinned (requirements.txt is the venv's `pip freeze`), so two installs hold the same code.
# The venv is built in a temporary folder and then moved, which breaks the absolute #! lines pip writes:
# the wrapper runs the module with the venv's python, found next to itself.
install_checkov() {
  python3 -m venv "$1/venv"
  "$1/venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$here/checkov/requirements.txt"
  # shellcheck disable=SC2016 # expanded when the wrapper runs
  printf '#!/bin/sh\nexec "$(dirname "$0")/venv/bin/python" -W ignore::SyntaxWarning -m checkov.main "$@"\n' >"$1/checkov"
  chmod +x "$1/checkov"
}

version=$(module_version kube-linter golang.stackrox.io/kube-linter)
dir=$(build_into "$cache_root/kube-linter-$version-$(fingerprint "$here"/go/kube-linter/go.{mod,sum} <(declare -f build_kube_linter))" build_kube_linter "$version")
echo "kube-linter=$dir/kube-linter"

version=$(module_version kube-score github.com/zegl/kube-score)
dir=$(build_into "$cache_root/kube-score-$version-$(fingerprint "$here"/go/kube-score/go.{mod,sum} <(declare -f build_kube_score))" build_kube_score "$version")
echo "kube-score=$dir/kube-score"

version=$(sed -n 's/^checkov==//p' "$here/checkov/requirements.txt")
dir=$(build_into "$cache_root/checkov-$version-$(fingerprint "$here/checkov/requirements.txt" <(python3 --version) <(declare -f install_checkov))" install_checkov)
echo "checkov=$dir/checkov"
