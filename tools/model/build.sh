#!/usr/bin/env bash
# Rebuilds public/models/kjv-gpt-2m from nothing: corpus, tokenizer, training,
# ONNX export, int8 quantization, greedy-ending report, model card, then the model tests.
#   npm run model:build                 the shipped model (about 1-2 hours on 2 shared cores)
#   npm run model:build -- --compare    also the short corpus comparison runs
# Training checkpoints after every evaluation under tools/model/work/ (not in git);
# running the same command again resumes an interrupted run where it stopped.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/work"
model="$root/public/models/kjv-gpt-2m"
reference="$root/tests/model/fixtures/kjv-gpt-2m.reference.json"
# Debian's torch and onnx import only from the system interpreter, not pyenv's.
py=/usr/bin/python3

# Two stages: the original 500-step cosine run, then a continuation from its
# weights with a warm-up, constant, linear-decay schedule (see the model card).
stage1_steps=500
steps=1000
decay_steps=300
eval_every=100
compare=0
for arg in "$@"; do
  case "$arg" in
    --compare) compare=1 ;;
    --steps=*) steps="${arg#--steps=}" ;;
    --decay-steps=*) decay_steps="${arg#--decay-steps=}" ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

packages=(python3-torch python3-onnx python3-numpy python3-regex libopenblas0-pthread bible-kjv fortunes fortunes-min)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

mkdir -p "$work"
cd "$here"

if ((compare)); then
  for corpus in kjv fortunes; do
    echo "== comparison run: $corpus"
    $py train.py --corpus "$corpus" --steps 150 --batch 4 --eval-every 50 --out "$work/compare-$corpus"
  done
fi

echo "== training kjv, stage 1: $stage1_steps steps from random weights"
$py train.py --corpus kjv --schedule cosine --steps "$stage1_steps" --warmup 100 --seed 1234 \
  --eval-every "$eval_every" --out "$work/kjv-stage1" --resume
echo "== training kjv, stage 2: $steps steps from the stage-1 weights"
$py train.py --corpus kjv --init "$work/kjv-stage1/model.pt" --steps "$steps" --decay-steps "$decay_steps" --warmup 50 --seed 1235 \
  --eval-every "$eval_every" --out "$work/kjv" --resume

echo "== exporting"
rm -rf "$model"
$py export.py --run "$work/kjv" --out "$model" --reference "$reference"
$py quantize.py "$model/onnx/model.onnx" "$model/onnx/model_quantized.onnx"
$py step_outputs.py "$model/onnx/model.onnx" "$model/onnx/model_quantized.onnx"

echo "== greedy-ending report (quantized model, through the site's runtime)"
mkdir -p "$here/metrics"
$py prompts.py --out "$here/metrics/prompts.json"
(cd "$root" && GREEDY_REPORT=1 npx vitest run tests/model/greedy.test.ts) || true

echo "== model card"
cp "$work/kjv-stage1/metrics.json" "$here/metrics/kjv-gpt-2m-stage1.json"
cp "$work/kjv/metrics.json" "$here/metrics/kjv-gpt-2m.json"
for c in kjv fortunes; do
  if [[ -f "$work/compare-$c/metrics.json" ]]; then cp "$work/compare-$c/metrics.json" "$here/metrics/compare-$c.json"; fi
done
compare_args=()
if [[ -f "$here/metrics/compare-kjv.json" ]]; then
  compare_args=(--compare "$here/metrics/compare-kjv.json" "$here/metrics/compare-fortunes.json")
fi
$py card.py --run "$work/kjv" --stage1 "$work/kjv-stage1" --model "$model" --greedy "$here/metrics/greedy.json" "${compare_args[@]}"

echo "== verifying"
cd "$root"
npx vitest run tests/model
