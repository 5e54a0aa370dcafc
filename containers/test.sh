#!/usr/bin/env bash
# Runs the regbert stage images on real data from the kit (mounted read-only, no network) and checks
# the outputs. Build first: containers/build.sh
# Usage: containers/test.sh [stage ...]   (default: tokenize)
# Environment: REGBERT_DATA (default <repo>/../shared/data), REGBERT_IMAGE_VERSION (0.1.0), CONTAINERS_CONF.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
export CONTAINERS_CONF=${CONTAINERS_CONF:-$HERE/containers.conf}
VERSION=${REGBERT_IMAGE_VERSION:-0.1.0}
DATA=$(cd "${REGBERT_DATA:-$ROOT/../shared/data}" && pwd)
STAGES=("${@:-tokenize}")

failures=0
pass() { echo "  ok   $*"; }
fail() { echo "  FAIL $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then pass "$1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi
}
json_number() { # json_number FILE KEY: a top-level number of a small JSON file
  sed -n "s/^ *\"$2\" *: *\([0-9][0-9]*\).*/\1/p" "$1" | head -n 1
}
# The stored size of a member of a zip (an .npz), read from its central directory with python3 or unzip.
member_size() { # member_size ZIP MEMBER
  if command -v python3 >/dev/null; then
    python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo(sys.argv[2]).file_size)' "$1" "$2"
  elif command -v unzip >/dev/null; then
    unzip -l "$1" "$2" | awk -v m="$2" '$4 == m { print $1 }'
  else
    echo "no python3 or unzip"
  fi
}

WORK=$(mktemp -d /var/tmp/regbert-container-test.XXXXXX)
containers=()
cleanup() {
  for name in "${containers[@]}"; do podman rm -f "$name" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
# The images run as uid 1000, not root: give them a writable output folder.
chmod 0777 "$WORK"

run() { # run NAME [podman run options] IMAGE [args]: a named, removed-afterwards, offline container
  local name="regbert-test-$1-$$"
  shift
  containers+=("$name")
  podman run --rm --name "$name" --network none "$@"
}

test_tokenize() {
  local image="regbert/tokenize:$VERSION" out started seconds windows lines
  echo "regbert/tokenize:$VERSION"
  podman image exists "$image" || { fail "image $image not built (containers/build.sh tokenize)"; return; }

  check "runs as a non-root user" 1000 "$(run uid "$image" id -u)"
  check "version" "regbert tokenize 0.1.0-SNAPSHOT" "$(run version "$image" --version)"
  check "Nextflow-style call (--entrypoint=\"\")" "regbert tokenize 0.1.0-SNAPSHOT" \
      "$(run nf --entrypoint="" "$image" /bin/bash -c 'regbert tokenize --version')"
  check "no network interface but loopback" "lo" "$(run net "$image" /bin/bash -c 'ls /sys/class/net | tr "\n" " " | xargs')"

  # 1. All of hg19 chromosome 20 (63 Mb, bgzip + .fai + .gzi), read-only mount, default settings.
  out="$WORK/chr20"
  started=$(date +%s.%N)
  if run chr20 -v "$DATA/genome:/data:ro" -v "$WORK:/out" "$image" \
      --reference /data/hg19.chr20.fa.gz --kmer 6 --window 510 --output /out/chr20 --quiet; then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "tokenized hg19 chr20 in ${seconds} s"
    check "chr20 windows (63,025,520 bp / 515-bp windows, N gaps skipped)" 116672 "$(json_number "$out/tokenize-summary.json" windows)"
    check "chr20 shards of 8192 windows" 15 "$(ls "$out"/shard-*.npz | wc -l | tr -d ' ')"
    check "tokens.npy of a full shard = 8192 x 510 uint16 + 128-byte header" 8355968 \
        "$(member_size "$out/shard-00000.npz" tokens.npy)"
    check "the last shard holds the remainder (116672 - 14 x 8192 = 1,984 windows)" $((1984 * 510 * 2 + 128)) \
        "$(member_size "$out/shard-00014.npz" tokens.npy)"
  else
    fail "tokenize chr20 exited with $?"
  fi

  # 2. DNase hypersensitive sites on chr20 (UW master list, chr20 names -> 20 in the FASTA).
  (set +o pipefail; zcat "$DATA/accessibility/uw-dhs-master.hg19.bed.gz" \
      | awk '$1 == "chr20" { print; if (++n == 1000) exit }' >"$WORK/dhs.bed")
  lines=$(wc -l <"$WORK/dhs.bed" | tr -d ' ')
  if run dhs -v "$DATA/genome:/data:ro" -v "$WORK:/out" "$image" \
      --reference /data/hg19.chr20.fa.gz --regions /out/dhs.bed --contig-alias chr20=20 --window 195 \
      --reverse-complement --output /out/dhs --quiet; then
    windows=$(json_number "$WORK/dhs/tokenize-summary.json" windows)
    check "one centred window per 150-bp DHS and strand" $((lines * 2)) "$windows"
    check "alias chr20=20 used for every interval" "$lines" \
        "$(sed -n 's/^ *"chr20=20" *: *\([0-9]*\).*/\1/p' "$WORK/dhs/tokenize-summary.json")"
  else
    fail "tokenize DHS regions exited with $?"
  fi

  # 3. Errors keep the exit-code contract: a missing alias is bad input (2), with a clear message.
  set +e
  local message
  message=$(run alias -v "$DATA/genome:/data:ro" -v "$WORK:/out" "$image" \
      --reference /data/hg19.chr20.fa.gz --regions /out/dhs.bed --output /out/bad --quiet 2>&1)
  check "bad input exits with 2" 2 "$?"
  set -e
  case "$message" in
    *"pass --contig-alias chr20=20"*) pass "the message names the fix" ;;
    *) fail "unexpected message: $message" ;;
  esac
}

# The images inside the pipeline: Nextflow's podman profile (skipped when the Nextflow jars are absent:
# flock /tmp/regbert-mvn.lock mvn -B -q -f nextflow/pom.xml process-test-resources).
test_nextflow_podman() {
  local run="$WORK/nextflow" started seconds
  echo "nextflow/main.nf -profile podman"
  if ! ls "$ROOT"/nextflow/target/nextflow-lib/nextflow-*.jar >/dev/null 2>&1; then
    echo "  skip (no Nextflow jars in nextflow/target/nextflow-lib)"
    return
  fi
  mkdir -p "$run"
  (set +o pipefail; zcat "$DATA/accessibility/uw-dhs-master.hg19.bed.gz" \
      | awk '$1 == "chr20" { print; if (++n == 200) exit }' >"$run/dhs.bed")
  started=$(date +%s.%N)
  if (cd "$run" && NXF_HOME="$run/.nxf-home" NXF_ANSI_LOG=false "$ROOT/nextflow/nextflow.sh" -log "$run/nextflow.log" \
        run "$ROOT/nextflow/main.nf" -profile podman -work-dir "$run/work" --outdir "$run/results" \
        --reference "$DATA/genome/hg19.chr20.fa.gz" --regions "$run/dhs.bed" --contig_alias chr20=20 --id dhs \
        >"$run/stdout.log" 2>&1); then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "pipeline ran in the container in ${seconds} s"
    check "windows (one per DHS)" 200 "$(json_number "$run/results/tokenize/dhs/tokenize-summary.json" windows)"
    check "the task ran in regbert/tokenize:$VERSION" 1 \
        "$(grep -c "regbert/tokenize:$VERSION /bin/bash" "$run"/work/*/*/.command.run | awk -F: '{ s += $NF } END { print s }')"
  else
    fail "nextflow -profile podman failed: $(tail -n 20 "$run/stdout.log")"
  fi
}

for stage in "${STAGES[@]}"; do
  "test_$stage"
done
test_nextflow_podman
if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all container checks passed"
