#!/usr/bin/env bash
# Motif-scan throughput on real chr20: one line per figure (for bench/run).
# Usage: tools/motifs/bench.sh [BASES=1000000] [THREADS=2] [MotifScanBench options...]
set -euo pipefail
MODULE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
ROOT="$(cd "$MODULE/../.." && pwd)"
DATA="${REGBERT_DATA:-$ROOT/../shared/data}"
# Build quietly (under the shared Maven lock); show Maven's output only when the build fails.
LOG="$MODULE/target/bench-build.log"
mkdir -p "$MODULE/target"
if ! (cd "$ROOT" && flock /tmp/regbert-mvn.lock mvn -B -q -o -f tools/motifs/pom.xml test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt) >"$LOG" 2>&1; then
  cat "$LOG" >&2
  exit 1
fi
exec java ${REGBERT_JAVA_OPTS:-} \
  -cp "$MODULE/target/classes:$MODULE/target/test-classes:$(cat "$MODULE/target/test-classpath.txt")" \
  org.regbert.motifs.MotifScanBench "$DATA/genome/hg19.chr20.fa.gz" "$DATA/motifs/JASPAR2022_vertebrates.pfm" \
  "${1:-1000000}" "${2:-2}" "${@:3}"
