#!/usr/bin/env bash
# Runs a command as on a fresh machine, hiding what development leaves behind on this one:
#   - every system BLAS/LAPACK library (a system OpenBLAS comes with the Python reference packages): each file is
#     covered by /dev/null, so loading it fails as if it were not installed;
#   - LayerScope's own modules in the local Maven repository (left there by an earlier `mvn install`): an empty
#     folder covers ~/.m2/repository/dev/layerscope, so every module must come from the reactor;
#   - JavaCPP's cache of extracted native libraries (~/.javacpp): a fresh machine extracts them on first use.
# With FRESH_MACHINE_EMPTY_M2=1 the whole of ~/.m2 is empty too (the local repository and the Maven that ./mvnw
# fetches), to see what a first build downloads. Nothing is changed outside: it all happens in a private mount namespace (unshare --mount) that ends
# with the command.
#
#   .ci/fresh-machine.sh ./mvnw -B test
#   FRESH_MACHINE_EMPTY_M2=1 .ci/fresh-machine.sh ./mvnw -q compile exec:java -Dexperiment=conf/smoke.conf
set -euo pipefail
if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

if [ -z "${FRESH_MACHINE_NAMESPACE:-}" ]; then
  export FRESH_MACHINE_NAMESPACE=1
  # root (CI) can make the namespace directly; another user needs a user namespace of its own for it
  if [ "$(id -u)" -eq 0 ]; then
    exec unshare --mount --propagation private -- bash "$0" "$@"
  fi
  exec unshare --map-root-user --mount --propagation private -- bash "$0" "$@"
fi

hidden=0
while IFS= read -r -d '' library; do
  mount --bind /dev/null "$library"
  hidden=$((hidden + 1))
done < <(find /lib /lib64 /usr/lib /usr/lib64 /usr/local/lib /opt -xdev -type f \
           \( -name 'lib*blas*.so*' -o -name 'lib*lapack*.so*' \) -print0 2>/dev/null)

m2="$HOME/.m2/repository"
if [ -n "${FRESH_MACHINE_EMPTY_M2:-}" ]; then
  mkdir -p "$HOME/.m2"
  mount -t tmpfs layerscope-empty-m2 "$HOME/.m2"
  echo "fresh machine: $HOME/.m2 is empty (no local repository, no Maven fetched by ./mvnw)"
elif [ -d "$m2/dev/layerscope" ]; then
  # covered, not deleted; where there is no such folder there is nothing to hide and none is made
  mount -t tmpfs layerscope-no-own-artifacts "$m2/dev/layerscope"
  echo "fresh machine: LayerScope's modules in $m2/dev/layerscope are hidden"
fi
mkdir -p "$HOME/.javacpp"
mount -t tmpfs layerscope-no-javacpp-cache "$HOME/.javacpp"
echo "fresh machine: $hidden system BLAS/LAPACK files hidden; ~/.javacpp is empty"

exec "$@"
