#!/usr/bin/env bash
# Reproduce the tables of docs/benchmarks.md.
#   scripts/run_benchmarks.sh DATA_DIR [OUT_DIR]
# DATA_DIR holds multinews/, neus/, multiling2011/ and news_clustering/ (see ../shared/README.md).
# Environment: SYSTEMS (default: mdsum and every baseline), CONFIG (pipeline YAML, default: packaged).
# Runs resume: re-running after an interruption skips the clusters already scored (delete OUT_DIR to redo).
set -euo pipefail

DATA=${1:?usage: scripts/run_benchmarks.sh DATA_DIR [OUT_DIR]}
OUT=${2:-bench}
SYSTEMS=${SYSTEMS:-mdsum,lead,lexrank,textrank,random,mmr,oracle}
CONFIG_ARGS=()
if [[ -n "${CONFIG:-}" ]]; then CONFIG_ARGS=(--config "$CONFIG"); fi
mkdir -p "$OUT"

run() {  # name dataset max_words
  echo "== $1 ($2, $3 words)" >&2
  python3 -m mdsum evaluate --dataset "$2" --system "$SYSTEMS" --max-words "$3" --out "$OUT/$1" --quiet \
    "${CONFIG_ARGS[@]}" | tee "$OUT/$1.md"
}

# Multi-News (LongBench 200-cluster test subset): 250-word budget, as the sanity figures.
run multinews "$DATA/multinews/test_longbench200.jsonl" 250
# MultiLing 2011 English: 10 topics x 10 WikiNews articles, 3 references of ~250 words each.
run multiling_en "$DATA/multiling2011/english.jsonl" 250
# NeuS test (AllSides): references average 66 words, so the budget is 70.
run neus "$DATA/neus/test.jsonl" 70

echo "== story clustering" >&2
python3 -m mdsum evaluate-clustering "$DATA/news_clustering/multiling2011/test.jsonl" "${CONFIG_ARGS[@]}" \
  --out "$OUT/clustering_multiling2011.json" | tee "$OUT/clustering_multiling2011.md"
