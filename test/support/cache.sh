# Sourced by the scripts that build third-party tools for the test tiers (test/cluster/build.sh,
# test/peers/install.sh): one cache folder per tool version, named by a hash of what goes into it.
# shellcheck shell=bash
# Builds run as $(build_into ...): without this, errexit does not hold there, and a failed build step
# would go on and be marked complete (a killed kube-linter build was cached empty).
shopt -s inherit_errexit
cache_root="${TODO_CHATBOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-chatbot-k8s}"

# Names a build by what goes into it: the pinned module files and the flags, not a script's prose.
fingerprint() { cat "$@" | sha256sum | cut -c1-12; }

# Runs "$@ <folder>" into a temporary folder beside the final one and renames it, so that an interrupted
# build never leaves a folder that looks complete. Prints the final folder; a second run builds nothing.
build_into() {
  local dest=$1; shift
  if [[ -f "$dest/.complete" ]]; then echo "$dest"; return; fi
  mkdir -p "$cache_root"
  local tmp; tmp=$(mktemp -d "$dest.partial.XXXXXX")
  # Expanded now: the trap may run where this function's locals are gone.
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  local started=$SECONDS
  "$@" "$tmp" >&2
  echo "built $(basename "$dest") in $((SECONDS - started)) s" >&2
  touch "$tmp/.complete"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  trap - EXIT
  # Builds of the same version from older pins are dead weight (up to 400 MB each).
  local stale
  for stale in "${dest%-*}"-*; do
    [[ "$stale" == "$dest" || "$stale" == *.partial.* ]] || rm -rf "$stale"
  done
  echo "$dest"
}
