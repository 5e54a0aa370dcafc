#!/usr/bin/env bash
# Builds the regbert stage images with podman, with no registry and no network inside the build:
#   1. once: the base image (Debian bookworm minbase + OpenJDK 17 JRE) from debootstrap + podman import;
#   2. per stage: regbert/<stage>:<version> from containers/Containerfile with the stage's Quarkus fast-jar,
#      tools/<stage>/target/quarkus-app (build it first: ./regbert <stage> --help, or Maven install).
#
# Usage: containers/build.sh [--rebuild-base] [--save] [stage ...]
#   stages: default every containers/<stage>/image.env (its DESCRIPTION labels the image)
#   --rebuild-base  re-run debootstrap even if the base image exists
#   --save          also write containers/target/regbert-<stage>-<version>.docker.tar (podman save,
#                   docker-archive: `docker load -i`, `singularity build x.sif docker-archive://...`)
# Environment: REGBERT_IMAGE_VERSION (0.1.0), REGBERT_BASE_IMAGE, DEBIAN_MIRROR, CONTAINERS_CONF.
# Needs root (debootstrap) and: apt-get install -y podman buildah skopeo umoci debootstrap runc
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
export CONTAINERS_CONF=${CONTAINERS_CONF:-$HERE/containers.conf}
VERSION=${REGBERT_IMAGE_VERSION:-0.1.0}
BASE=${REGBERT_BASE_IMAGE:-localhost/regbert/jre-base:17-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

rebuild_base=0
save=0
stages=()
for arg in "$@"; do
  case "$arg" in
    --rebuild-base) rebuild_base=1 ;;
    --save) save=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    *) stages+=("$arg") ;;
  esac
done
if [ ${#stages[@]} -eq 0 ]; then
  for file in "$HERE"/*/image.env; do
    stages+=("$(basename "$(dirname "$file")")")
  done
fi

for tool in podman debootstrap; do
  if ! command -v "$tool" >/dev/null; then
    echo "build.sh: $tool not found (apt-get install -y podman buildah skopeo umoci debootstrap runc)" >&2
    exit 2
  fi
done

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.0f", b - a }'; }

build_base() {
  local started rootfs
  started=$(seconds)
  rootfs=$(mktemp -d /var/tmp/regbert-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  echo "build.sh: base image $BASE: debootstrap bookworm (minbase + openjdk-17-jre-headless) from $MIRROR ..." >&2
  debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" "$MIRROR" >"$HERE/target/debootstrap.log" 2>&1 || {
    tail -n 20 "$HERE/target/debootstrap.log" >&2
    exit 1
  }
  # Package caches and lists are not needed at run time (the images install nothing later).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
         "$rootfs"/var/log/* "$rootfs"/usr/share/man/* "$rootfs"/tmp/*
  tar --numeric-owner -C "$rootfs" -c . | podman import --quiet \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["/bin/bash"]' \
      --change "LABEL org.opencontainers.image.title=regbert-jre-base org.opencontainers.image.description=Debian-bookworm-minbase-with-OpenJDK-17-JRE" \
      - "$BASE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
  echo "build.sh: base image $BASE built in $(elapsed "$started") s" >&2
}

build_stage() {
  local stage=$1 app="$ROOT/tools/$1/target/quarkus-app" context="$HERE/target/context-$1" started
  started=$(seconds)
  if [ ! -f "$HERE/$stage/image.env" ]; then
    echo "build.sh: no containers/$stage/image.env" >&2
    exit 2
  fi
  if [ ! -f "$app/quarkus-run.jar" ]; then
    echo "build.sh: $app/quarkus-run.jar is missing: build the stage first (./regbert $stage --help)" >&2
    exit 2
  fi
  local previous
  previous=$(podman image inspect --format '{{.Id}}' "regbert/$stage:$VERSION" 2>/dev/null || true)
  rm -rf "$context"
  mkdir -p "$context"
  cp -a "$app" "$context/quarkus-app"
  cp -a "$HERE/bin" "$context/bin"
  podman build --network none --pull=never --layers \
      -f "$HERE/Containerfile" \
      --build-arg STAGE="$stage" \
      --build-arg DESCRIPTION="$(. "$HERE/$stage/image.env" && echo "$DESCRIPTION")" \
      --build-arg BASE="$BASE" \
      --build-arg VERSION="$VERSION" \
      --build-arg REVISION="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
      --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      -t "regbert/$stage:$VERSION" "$context" >"$HERE/target/build-$stage.log" 2>&1 || {
    tail -n 30 "$HERE/target/build-$stage.log" >&2
    exit 1
  }
  rm -rf "$context"
  # The image this build replaced is now untagged: remove it (only it; other dangling images are not ours).
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "regbert/$stage:$VERSION")" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
  local size
  size=$(podman image inspect --format '{{.Size}}' "regbert/$stage:$VERSION")
  echo "build.sh: regbert/$stage:$VERSION built in $(elapsed "$started") s, $((size / 1000000)) MB" >&2
  if [ "$save" = 1 ]; then
    rm -f "$HERE/target/regbert-$stage-$VERSION.docker.tar"
    podman save --quiet --format docker-archive -o "$HERE/target/regbert-$stage-$VERSION.docker.tar" "regbert/$stage:$VERSION"
    echo "build.sh: saved containers/target/regbert-$stage-$VERSION.docker.tar" >&2
  fi
}

mkdir -p "$HERE/target"
previous_base=""
if [ "$rebuild_base" = 1 ] || ! podman image exists "$BASE"; then
  previous_base=$(podman image inspect --format '{{.Id}}' "$BASE" 2>/dev/null || true)
  build_base
else
  echo "build.sh: base image $BASE exists (--rebuild-base to rebuild)" >&2
fi
for stage in "${stages[@]}"; do
  build_stage "$stage"
done
if [ -n "$previous_base" ]; then
  podman rmi "$previous_base" >/dev/null 2>&1 || true   # still used by an image of a stage not rebuilt: kept
fi
