#!/usr/bin/env bash
# Runs the regbert stage images on real data from the kit (mounted read-only, no network) and checks
# the outputs. Build first: containers/build.sh
# Usage: containers/test.sh [stage ...]   (default: tokenize; align also needs the tokenize image;
#        pretrain, finetune, evaluate and score run on galaxy-wrappers/test-data and need only their own image)
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

# The checks every stage image gets: a non-root user, the version, a Nextflow-style call (entry point
# overridden), no network interface but loopback; with "libtorch" (the model stages) also libtorch unpacked
# in DJL_CACHE_DIR at build time and every native library resolving.
image_basics() { # image_basics STAGE NAME-PREFIX [libtorch]
  local stage=$1 name=$2 image="regbert/$1:$VERSION"
  check "runs as a non-root user" 1000 "$(run "$name-uid" "$image" id -u)"
  check "version" "regbert $stage 0.1.0-SNAPSHOT" "$(run "$name-version" "$image" --version 2>/dev/null)"
  check "Nextflow-style call (--entrypoint=\"\")" "regbert $stage 0.1.0-SNAPSHOT" \
      "$(run "$name-nf" --entrypoint="" "$image" /bin/bash -c "regbert $stage --version 2>/dev/null")"
  check "no network interface but loopback" "lo" "$(run "$name-net" "$image" /bin/bash -c 'ls /sys/class/net | tr "\n" " " | xargs')"
  check "the launcher starts the JVM with regbert-launch-env's malloc thresholds" "33554432 134217728" \
      "$(run "$name-env" "$image" /bin/sh -c 'grep -q "^\. /usr/local/bin/regbert-launch-env" /usr/local/bin/regbert \
          && . /usr/local/bin/regbert-launch-env && echo "$MALLOC_MMAP_THRESHOLD_ $MALLOC_TRIM_THRESHOLD_"')"
  if [ "${3:-}" = libtorch ]; then
    check "libtorch unpacked in the image (DJL_CACHE_DIR)" 1 \
        "$(run "$name-cache" "$image" /bin/bash -c 'ls "$DJL_CACHE_DIR"/pytorch/*/libtorch_cpu.so | wc -l')"
    check "every native library resolves (ldd: no 'not found')" 0 \
        "$(run "$name-ldd" "$image" /bin/bash -c 'ldd "$DJL_CACHE_DIR"/pytorch/*/*.so | grep -c "not found"')"
  fi
}

test_tokenize() {
  local image="regbert/tokenize:$VERSION" out started seconds windows lines
  echo "regbert/tokenize:$VERSION"
  podman image exists "$image" || { fail "image $image not built (containers/build.sh tokenize)"; return; }

  image_basics tokenize tok

  # 1. All of hg19 chromosome 20 (63 Mb, bgzip + .fai + .gzi), read-only mount, default settings.
  out="$WORK/chr20"
  started=$(date +%s.%N)
  if run chr20 -v "$DATA/genome:/data:ro" -v "$WORK:/out" "$image" \
      --reference /data/hg19.chr20.fa.gz --kmer 6 --window 510 --output /out/chr20 --quiet; then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "tokenized hg19 chr20 in ${seconds} s"
    check "chr20 windows (63,025,520 bp / 515-bp windows, N gaps skipped)" 116672 "$(json_number "$out/tokenize-summary.json" windows)"
    check "chr20 shards of 8192 windows" 15 "$(ls "$out"/shard-*.npz | wc -l | tr -d ' ')"
    # GKL's native inflater is unpacked into java.io.tmpdir (/tmp: a tmpfs under podman --read-only too).
    check "bgzip inflated by ISA-L (Intel GKL), not the zlib fallback" "ISA-L (Intel GKL)" \
        "$(sed -n 's/^ *"bgzipInflater" *: *"\(.*\)".*/\1/p' "$out/tokenize-summary.json")"
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

# A nested value of a JSON file (python3), e.g. json_path summary.json labels.promoter.train.1
json_path() {
  python3 -c 'import json, sys
value = json.load(open(sys.argv[1]))
for key in sys.argv[2].split("."):
    value = value.get(key, 0) if isinstance(value, dict) else 0
print(value)' "$1" "$2"
}

test_align() {
  local image="regbert/align:$VERSION" tokenizer="regbert/tokenize:$VERSION" out started seconds windows motifs positives
  echo "regbert/align:$VERSION"
  podman image exists "$image" || { fail "image $image not built (containers/build.sh align)"; return; }
  podman image exists "$tokenizer" || { fail "image $tokenizer not built: align's check tokenizes first (containers/build.sh tokenize)"; return; }
  command -v python3 >/dev/null || { fail "python3 is needed to read align-summary.json"; return; }

  image_basics align align

  # Windows to annotate: 1,000 chr20 DHSs (UW master list), one centred 200-bp window each, by the tokenize image.
  mkdir -p "$WORK/align"
  chmod 0777 "$WORK/align"
  (set +o pipefail; zcat "$DATA/accessibility/uw-dhs-master.hg19.bed.gz" \
      | awk '$1 == "chr20" { print; if (++n == 1000) exit }' >"$WORK/align/dhs.bed")
  if ! run align-tok -v "$DATA/genome:/data:ro" -v "$WORK/align:/out" "$tokenizer" \
      --reference /data/hg19.chr20.fa.gz --regions /out/dhs.bed --contig-alias chr20=20 --window 195 \
      --output /out/shards --quiet; then
    fail "tokenize (input of align) exited with $?"
    return
  fi

  # 1. Genome-wide kit files against the chr20 windows, everything read-only: DHS accessibility,
  #    RefSeq promoter labels with one negative per positive, all JASPAR 2022 vertebrate motifs, a test holdout.
  out="$WORK/align/aligned"
  motifs=$(grep -c '^>' "$DATA/motifs/JASPAR2022_vertebrates.pfm")
  started=$(date +%s.%N)
  if run align-kit -v "$DATA:/data:ro" -v "$WORK/align/shards:/shards:ro" -v "$WORK/align:/out" "$image" \
      --shards /shards --peaks /data/accessibility/uw-dhs-master.hg19.bed.gz:DHS \
      --labels promoter=/data/chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz --negatives-per-positive 1 --seed 1 \
      --motifs /data/motifs/JASPAR2022_vertebrates.pfm --motif-factors /data/motifs/JASPAR2022_vertebrates.motif2factors.txt \
      --regions-per-window 4 --test 20:0-10000000 --contig-alias chr20=20 --skip-missing-contigs \
      --output /out/aligned --quiet; then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "aligned 1,000 DHS windows (DHS peaks, promoter labels, $motifs motifs) in ${seconds} s"
    windows=$(json_number "$out/align-summary.json" windows)
    check "windows" 1000 "$windows"
    check "motifs scanned (every matrix of the JASPAR file)" "$motifs" "$(json_number "$out/align-summary.json" motifs)"
    check "motifs.npy = 1000 windows x $motifs motifs x 4 regions float16 + 128-byte header" $((1000 * motifs * 4 * 2 + 128)) \
        "$(member_size "$out/shard-00000.npz" motifs.npy)"
    check "peaks.npy = 1 cell type x 1000 windows x 195 tokens uint8 + 128" $((1000 * 195 + 128)) \
        "$(member_size "$out/shard-00000.npz" peaks.npy)"
    positives=$(( $(json_path "$out/align-summary.json" labels.promoter.train.positives) + $(json_path "$out/align-summary.json" labels.promoter.test.positives) ))
    if [ "$positives" -gt 0 ] && [ "$positives" -lt 1000 ]; then pass "promoter positives among the DHSs ($positives)"; else fail "promoter positives: $positives"; fi
    check "one negative kept per training positive" "$(json_path "$out/align-summary.json" labels.promoter.train.positives)" \
        "$(json_path "$out/align-summary.json" negativesKept.promoter.train)"
    check "the test split keeps every window (none not sampled)" 0 "$(json_path "$out/align-summary.json" labels.promoter.test.notSampled)"
    check "every DHS window's centre token is open (2) in the DHS track" 1000 \
        "$(python3 -c 'import sys, numpy as np; p = np.load(sys.argv[1])["peaks"]; print(int((p[0, :, 97] == 2).sum()))' "$out/shard-00000.npz" 2>/dev/null || echo "no numpy")"
    if [ "$(json_path "$out/align-summary.json" skippedOnMissingContigs.labels.chr1)" -gt 0 ]; then
      pass "genome-wide lines on other contigs skipped and counted (chr1: $(json_path "$out/align-summary.json" skippedOnMissingContigs.labels.chr1))"
    else
      fail "no skipped chr1 lines counted"
    fi
  else
    fail "align on kit data exited with $?"
  fi

  # 2. Errors keep the exit-code contract: UCSC names without the alias are bad input (2), the message names the fix.
  set +e
  local message
  message=$(run align-alias -v "$DATA:/data:ro" -v "$WORK/align/shards:/shards:ro" -v "$WORK/align:/out" "$image" \
      --shards /shards --labels promoter=/data/chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz --skip-missing-contigs \
      --output /out/bad --quiet 2>&1)
  check "bad input exits with 2" 2 "$?"
  set -e
  case "$message" in
    *"--contig-alias chr20=20"*) pass "the message names the fix" ;;
    *) fail "unexpected message: $message" ;;
  esac
}

# Pretrain: DJL + libtorch inside the image, offline. The inputs are the Galaxy wrappers' aligned test shards
# (two 4 kb slices of hg19 chr20, k = 3, 198-token windows, states/peaks/motifs; the second slice is the
# validation holdout), so this needs no other image.
test_pretrain() {
  local image="regbert/pretrain:$VERSION" data="$ROOT/galaxy-wrappers/test-data" dir out started seconds message
  echo "regbert/pretrain:$VERSION"
  podman image exists "$image" || { fail "image $image not built (containers/build.sh pretrain)"; return; }

  image_basics pretrain pt libtorch

  dir="$WORK/pretrain"
  mkdir -p "$dir/shards"
  cp "$data/hg19_chr20_slices_k3_aligned_shard-00000.npz" "$dir/shards/shard-00000.npz"
  cp "$data/hg19_chr20_slices_k3_aligned_shard-00001.npz" "$dir/shards/shard-00001.npz"
  chmod 0777 "$dir"

  # 1. Tiny EBERT, 5 steps, as a uid the image does not know (Galaxy/Nextflow style), read-only root file
  #    system: DJL can only use the libtorch unpacked at build time; no network.
  out="$dir/ebert"
  started=$(date +%s.%N)
  if run pt-ebert --read-only -u 4321:4321 -v "$dir/shards:/shards:ro" -v "$dir:/out" "$image" \
      --shards /shards --model ebert --preset tiny --steps 5 --seed 1 --threads 2 --output /out/ebert --quiet; then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "EBERT tiny, 5 steps, offline, read-only image, uid 4321, in ${seconds} s"
    check "checkpoints/latest" "step-00000005" "$(cat "$out/checkpoints/latest" 2>/dev/null)"
    check "checkpoint files" "config.json optimizer.npz parameters.npz trainer-state.json vocabularies.json" \
        "$(cd "$out/checkpoints/step-00000005" 2>/dev/null && ls config.json optimizer.npz parameters.npz trainer-state.json vocabularies.json | xargs)"
    check "parameters.npz: 118,160 float32 parameters in 36 arrays, stored (see galaxy-wrappers/regbert_pretrain.xml)" 484670 "$(stat -c %s "$out/checkpoints/step-00000005/parameters.npz" 2>/dev/null)"
    check "metrics: 5 training steps + 1 held-out evaluation" "5 1" \
        "$(grep -c '^{"type":"train"' "$out/metrics.jsonl") $(grep -c '^{"type":"eval","step":5,"mlm":' "$out/metrics.jsonl")"
    check "model card" "# regbert model card: ebert (tiny)" "$(head -n 1 "$out/model-card.md")"
    check "held-out windows (the validation slice)" 20 "$(json_number "$out/model-card.json" heldOutWindows)"
    check "loss curve (SVG)" "<svg" "$(head -c 4 "$out/loss.svg")"
  else
    fail "pretrain EBERT exited with $?"
  fi

  # 2. GeneBERT reads whole 198-token windows: 200 tokens with [CLS]/[SEP], 3 steps.
  if run pt-genebert --read-only -v "$dir/shards:/shards:ro" -v "$dir:/out" "$image" \
      --shards /shards --model genebert --preset tiny --max-length 200 --steps 3 --threads 2 --output /out/genebert --quiet; then
    check "GeneBERT: sequence-region matching evaluated" 1 "$(grep -c '^{"type":"eval","step":3,"msm":.*"srmAccuracy"' "$dir/genebert/metrics.jsonl")"
  else
    fail "pretrain GeneBERT exited with $?"
  fi

  # 3. Errors keep the exit-code contract: the tiny preset's 128 tokens cannot hold GeneBERT's whole windows.
  set +e
  message=$(run pt-bad -v "$dir/shards:/shards:ro" -v "$dir:/out" "$image" \
      --shards /shards --model genebert --preset tiny --steps 3 --output /out/bad --quiet 2>&1)
  check "bad input exits with 2" 2 "$?"
  set -e
  case "$message" in
    *"raise --max-length to 200"*) pass "the message names the fix" ;;
    *) fail "unexpected message: $message" ;;
  esac
}

# Finetune: the micro EBERT of galaxy-wrappers/test-data (regbert.model tar) fine-tuned on the DHS labels of the
# two labelled slices (k = 3, 198-token windows; train slice 1, validation/test the halves of slice 2), offline.
test_finetune() {
  local image="regbert/finetune:$VERSION" data="$ROOT/galaxy-wrappers/test-data" dir out started seconds message
  echo "regbert/finetune:$VERSION"
  podman image exists "$image" || { fail "image $image not built (containers/build.sh finetune)"; return; }

  image_basics finetune ft libtorch

  dir="$WORK/finetune"
  mkdir -p "$dir/shards" "$dir/pretrained"
  cp "$data/hg19_chr20_slices_k3_dhs_labelled_shard-00000.npz" "$dir/shards/shard-00000.npz"
  cp "$data/hg19_chr20_slices_k3_dhs_labelled_shard-00001.npz" "$dir/shards/shard-00001.npz"
  tar -xf "$data/hg19_chr20_slices_ebert_micro_model.tar" -C "$dir/pretrained"
  chmod -R a+rX "$dir"
  chmod 0777 "$dir"

  # 1. From the pre-trained model, 4 steps, as a uid the image does not know, read-only root file system,
  #    inputs read-only: DJL can only use the libtorch unpacked at build time; no network.
  out="$dir/dhs"
  started=$(date +%s.%N)
  if run ft-dhs --read-only -u 4321:4321 -v "$dir/shards:/shards:ro" -v "$dir/pretrained:/pretrained:ro" -v "$dir:/out" "$image" \
      --checkpoint /pretrained --shards /shards --task dhs --max-steps 4 --batch-size 8 --seed 1 --device cpu --threads 2 \
      --output /out/dhs --quiet; then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "fine-tuned the micro EBERT on task dhs, 4 steps, offline, read-only image, uid 4321, in ${seconds} s"
    check "model files" "config.json head.npz parameters.npz task.json vocabularies.json" \
        "$(cd "$out/model" 2>/dev/null && ls encoder/config.json head.npz encoder/parameters.npz task.json encoder/vocabularies.json | xargs -n1 basename | sort | xargs)"
    check "encoder parameters.npz: the micro EBERT's 7,013 float32 parameters" 35365 "$(stat -c %s "$out/model/encoder/parameters.npz" 2>/dev/null)"
    check "metrics: 4 training steps + 2 validations" "4 2" \
        "$(grep -c '^{"type":"train"' "$out/metrics.jsonl") $(grep -c '^{"type":"eval","step":[34],"split":"validation","windows":10' "$out/metrics.jsonl")"
    check "best step" 3 "$(json_number "$out/finetune-summary.json" bestStep)"
    check "predictions of the validation and test windows" "dhs.GM12878.npz" "$(ls "$out/predictions" 2>/dev/null | xargs)"
    check "model card" "# Fine-tuned model: dhs" "$(head -n 1 "$out/model-card.md")"
  else
    fail "finetune from the pre-trained model exited with $?"
  fi

  # 2. From scratch (EBERT tiny, the ablation baseline), mean pooling, 2 steps.
  if run ft-scratch --read-only -v "$dir/shards:/shards:ro" -v "$dir:/out" "$image" \
      --from-scratch --model ebert --preset tiny --shards /shards --task dhs --pooling mean --max-steps 2 --batch-size 8 \
      --device cpu --threads 2 --output /out/scratch --quiet; then
    check "scratch: tiny encoder (118,160 float32 parameters)" 484670 "$(stat -c %s "$dir/scratch/model/encoder/parameters.npz" 2>/dev/null)"
  else
    fail "finetune from scratch exited with $?"
  fi

  # 3. Errors keep the exit-code contract: a task the shards have no labels for.
  set +e
  message=$(run ft-bad -v "$dir/shards:/shards:ro" -v "$dir/pretrained:/pretrained:ro" -v "$dir:/out" "$image" \
      --checkpoint /pretrained --shards /shards --task promoter --max-steps 2 --output /out/bad --quiet 2>&1)
  check "bad input exits with 2" 2 "$?"
  set -e
  case "$message" in
    *"tasks here: dhs"*) pass "the message names the tasks there are" ;;
    *) fail "unexpected message: $message" ;;
  esac
}

# Evaluate: the two fine-tuned test models of galaxy-wrappers/test-data ([CLS] and mean pooling), on their own
# test predictions and predicted anew on the labelled shards (libtorch inside the image, offline).
test_evaluate() {
  local image="regbert/evaluate:$VERSION" data="$ROOT/galaxy-wrappers/test-data" dir out started seconds message
  echo "regbert/evaluate:$VERSION"
  podman image exists "$image" || { fail "image $image not built (containers/build.sh evaluate)"; return; }

  image_basics evaluate ev libtorch

  dir="$WORK/evaluate"
  mkdir -p "$dir/shards" "$dir/models/cls" "$dir/models/mean"
  cp "$data/hg19_chr20_slices_k3_dhs_labelled_shard-00000.npz" "$dir/shards/shard-00000.npz"
  cp "$data/hg19_chr20_slices_k3_dhs_labelled_shard-00001.npz" "$dir/shards/shard-00001.npz"
  tar -xf "$data/hg19_chr20_slices_dhs_finetuned_cls.tar" -C "$dir/models/cls"
  tar -xf "$data/hg19_chr20_slices_dhs_finetuned_mean.tar" -C "$dir/models/mean"
  chmod -R a+rX "$dir"
  chmod 0777 "$dir"

  # 1. One model, the test predictions its finetune run wrote; read-only image, uid 4321.
  out="$dir/own"
  if run ev-own --read-only -u 4321:4321 -v "$dir/models:/models:ro" -v "$dir:/out" "$image" \
      --model /models/cls --bootstrap 50 --output /out/own --quiet; then
    check "report files" "figures predictions report.html report.json" "$(ls "$out" 2>/dev/null | xargs)"
    check "test windows scored" 10 "$(json_number "$out/report.json" windows)"
    check "figures" "dhs_GM12878_pr.svg dhs_GM12878_roc.svg" "$(ls "$out/figures" 2>/dev/null | xargs)"
  else
    fail "evaluate on the finetune predictions exited with $?"
  fi

  # 2. Two models predicted on the labelled shards in the container (libtorch), all held-out windows, compared.
  out="$dir/shards-report"
  started=$(date +%s.%N)
  if run ev-shards --read-only -u 4321:4321 -v "$dir/models:/models:ro" -v "$dir/shards:/shards:ro" -v "$dir:/out" "$image" \
      --model cls=/models/cls --model mean=/models/mean --shards /shards --split all --bootstrap 20 \
      --output /out/shards-report --quiet; then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "two models predicted on the shards and compared, offline, read-only image, in ${seconds} s"
    check "held-out windows (validation + test)" 20 "$(json_number "$out/report.json" windows)"
    check "paired comparisons against the baseline cls (auROC, auPRC, average precision)" 3 "$(grep -c '"baseline" : "cls"' "$out/report.json")"
    check "predictions per model" "cls mean" "$(ls "$out/predictions" 2>/dev/null | xargs)"
  else
    fail "evaluate on shards exited with $?"
  fi

  # 3. Errors keep the exit-code contract: two models with one name.
  set +e
  message=$(run ev-bad -v "$dir/models:/models:ro" -v "$dir:/out" "$image" \
      --model a=/models/cls --model a=/models/mean --output /out/bad --quiet 2>&1)
  check "bad input exits with 2" 2 "$?"
  set -e
  case "$message" in
    *"the name 'a' is taken"*) pass "the message names the problem" ;;
    *) fail "unexpected message: $message" ;;
  esac
}

# Score: the fine-tuned test model of galaxy-wrappers/test-data over the slices' DHSs (bedGraph + embeddings) and
# made-up variants (annotated VCF, bgzipped + tabix), the made-up GM12878 states it was aligned with; offline.
test_score() {
  local image="regbert/score:$VERSION" data="$ROOT/galaxy-wrappers/test-data" dir out message
  echo "regbert/score:$VERSION"
  podman image exists "$image" || { fail "image $image not built (containers/build.sh score)"; return; }

  image_basics score sc libtorch

  dir="$WORK/score"
  mkdir -p "$dir/model" "$dir/in" "$dir/out"
  tar -xf "$data/hg19_chr20_slices_dhs_finetuned_cls.tar" -C "$dir/model"
  cp "$data/hg19_chr20_slices.fa" "$data/hg19_chr20_slices_dhs.bed" "$data/made_up_slices_segments.bed" \
     "$data/made_up_slices_variants.vcf" "$dir/in/"
  chmod -R a+rX "$dir"
  chmod 0777 "$dir/out" "$dir/in"   # the reference's .fai is built beside it

  # 1. Regions: one window per DHS; read-only image, uid 4321, model mounted read-only.
  out="$dir/out"
  if run sc-regions --read-only -u 4321:4321 -v "$dir/model:/model:ro" -v "$dir/in:/in" -v "$out:/out" "$image" \
      --model /model --reference /in/hg19_chr20_slices.fa --regions /in/hg19_chr20_slices_dhs.bed \
      --states /in/made_up_slices_segments.bed:GM12878 --embeddings /out/dhs.npz --threads 2 --output /out/dhs.bedgraph --quiet; then
    check "bedGraph: a track line + one window per DHS" 6 "$(wc -l <"$out/dhs.bedgraph" | tr -d ' ')"
    check "first window centred on the first DHS" "20:300001-304000 1055 1255" "$(sed -n 2p "$out/dhs.bedgraph" | cut -f1-3 | xargs)"
    check "embeddings.npy = 5 windows x 16 float32 + 128" 448 "$(member_size "$out/dhs.npz" embeddings.npy)"
    check "summary: windows scored" 5 "$(json_number "$out/dhs.score-summary.json" windowsScored)"
  else
    fail "score regions exited with $?"
  fi

  # 2. Variants, bgzipped output with a tabix index: 5 scored, 1 REF mismatch skipped.
  if run sc-vcf --read-only -u 4321:4321 -v "$dir/model:/model:ro" -v "$dir/in:/in" -v "$out:/out" "$image" \
      --model /model --reference /in/hg19_chr20_slices.fa --vcf /in/made_up_slices_variants.vcf \
      --states /in/made_up_slices_segments.bed:GM12878 --threads 2 --output /out/variants.vcf.gz --quiet; then
    check "scored records (RB_REF)" 5 "$(gzip -dc "$out/variants.vcf.gz" | grep -v '^#' | grep -c 'RB_REF=')"
    check "REF mismatch skipped" 1 "$(gzip -dc "$out/variants.vcf.gz" | grep -c 'RB_SKIP=ref_mismatch')"
    check "tabix index" 1 "$(ls "$out"/variants.vcf.gz.tbi 2>/dev/null | wc -l | tr -d ' ')"
  else
    fail "score variants exited with $?"
  fi

  # 3. Errors keep the exit-code contract: REF mismatches made fatal.
  set +e
  message=$(run sc-bad -v "$dir/model:/model:ro" -v "$dir/in:/in" -v "$out:/out" "$image" \
      --model /model --reference /in/hg19_chr20_slices.fa --vcf /in/made_up_slices_variants.vcf --ref-mismatch error \
      --output /out/bad.vcf --quiet 2>&1)
  check "bad input exits with 2" 2 "$?"
  set -e
  case "$message" in
    *"REF does not match the reference"*) pass "the message names the problem" ;;
    *) fail "unexpected message: $message" ;;
  esac
}

# The images inside the pipeline: Nextflow's podman profile (skipped when the Nextflow jars are absent:
# flock /tmp/regbert-mvn.lock mvn -B -q -f nextflow/pom.xml process-test-resources).
test_nextflow_podman() {
  local run="$WORK/nextflow" started seconds align_args=() pretrain_args=() finetune_args=()
  echo "nextflow/main.nf -profile podman"
  # With the align image under test, the pipeline also aligns (DHS peaks, promoter labels) in regbert/align.
  if [[ " ${STAGES[*]} " == *" align "* ]]; then
    align_args=(--peaks "$DATA/accessibility/uw-dhs-master.hg19.bed.gz:DHS"
                --labels "promoter=$DATA/chromhmm/coords-hg19/RefSeqTSS.hg19.bed.gz" --skip_missing_contigs)
    # ... and with pretrain as well, a tiny EBERT on the aligned windows (DHS accessibility as the states).
    if [[ " ${STAGES[*]} " == *" pretrain "* ]]; then
      pretrain_args=(--pretrain_steps 5 --pretrain_preset tiny)
    fi
    # ... and with finetune and evaluate as well, the promoter task fine-tuned from it (4 steps) and evaluated
    # (the TSS holdout gives validation and test windows).
    if [[ " ${STAGES[*]} " == *" pretrain "* && " ${STAGES[*]} " == *" finetune "* && " ${STAGES[*]} " == *" evaluate "* ]]; then
      finetune_args=(--holdout_valid 20:250000-310000 --holdout_test 20:310000-63025520 --finetune_task promoter
                     --finetune_steps 4 --finetune_batch_size 16 --evaluate_bootstrap 20)
    fi
  fi
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
        "${align_args[@]}" "${pretrain_args[@]}" "${finetune_args[@]}" >"$run/stdout.log" 2>&1); then
    seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    pass "pipeline ran in the container in ${seconds} s"
    check "windows (one per DHS)" 200 "$(json_number "$run/results/tokenize/dhs/tokenize-summary.json" windows)"
    check "the task ran in regbert/tokenize:$VERSION" 1 \
        "$(grep -c "regbert/tokenize:$VERSION /bin/bash" "$run"/work/*/*/.command.run | awk -F: '{ s += $NF } END { print s }')"
    if [ ${#align_args[@]} -gt 0 ]; then
      check "aligned windows" 200 "$(json_number "$run/results/align/dhs/align-summary.json" windows)"
      check "the align task ran in regbert/align:$VERSION" 1 \
          "$(grep -c "regbert/align:$VERSION /bin/bash" "$run"/work/*/*/.command.run | awk -F: '{ s += $NF } END { print s }')"
    fi
    if [ ${#pretrain_args[@]} -gt 0 ]; then
      check "pretrained checkpoint" "step-00000005" "$(cat "$run/results/pretrain/dhs/checkpoints/latest" 2>/dev/null)"
      check "pretrain metrics: 5 steps" 5 "$(grep -c '^{"type":"train"' "$run/results/pretrain/dhs/metrics.jsonl")"
      check "the pretrain task ran in regbert/pretrain:$VERSION" 1 \
          "$(grep -c "regbert/pretrain:$VERSION /bin/bash" "$run"/work/*/*/.command.run | awk -F: '{ s += $NF } END { print s }')"
    fi
    if [ ${#finetune_args[@]} -gt 0 ]; then
      check "fine-tuned model" "binary" "$(sed -n 's/^ *"head" : "\([a-z]*\)".*/\1/p' "$run/results/finetune/dhs/finetune-summary.json")"
      check "finetune metrics: 4 steps" 4 "$(grep -c '^{"type":"train"' "$run/results/finetune/dhs/metrics.jsonl")"
      check "evaluation report" "regbert-evaluate-report" \
          "$(sed -n 's/^ *"format" : "\([a-z-]*\)".*/\1/p' "$run/results/evaluate/dhs/report.json")"
      for stage in finetune evaluate; do
        check "the $stage task ran in regbert/$stage:$VERSION" 1 \
            "$(grep -c "regbert/$stage:$VERSION /bin/bash" "$run"/work/*/*/.command.run | awk -F: '{ s += $NF } END { print s }')"
      done
    fi
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
