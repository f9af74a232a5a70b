#!/usr/bin/env bash
# Check out the real trees bench/trees.tsv pins, at their commits, under DIR
# (default $STEPUP_BENCH_DIR/trees, or /tmp/stepup-bench/trees), then print the
# --tree arguments for bench/run.py. Needs git and network access to GitHub.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-${STEPUP_BENCH_DIR:-/tmp/stepup-bench}/trees}"
mkdir -p "$dir"
args=()
while IFS=$'\t' read -r name url commit _layout; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  dest="$dir/$name"
  if [[ "$(git -C "$dest" rev-parse HEAD 2>/dev/null || true)" != "$commit" ]]; then
    rm -rf "$dest"
    git init -q "$dest"
    git -C "$dest" fetch -q --depth 1 "$url" "$commit"
    git -C "$dest" checkout -q FETCH_HEAD
  fi
  args+=(--tree "$dest")
done < "$here/trees.tsv"
echo "${args[@]}"
