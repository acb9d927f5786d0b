#!/usr/bin/env bash
# Runs every fuzz target for a set time and prints its executions and crashes.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 600 seconds, every target)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seeds come from the
# repository's fixtures (`*.json` files for the daemon targets) and, when DHLINT_CORPUS names a
# folder, from its compose/ and dockerfile/ files. Crashes are saved under fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(compose dockerfile daemon fix_compose fix_dockerfile fix_daemon yaml_tree)

seed() {
  local target=$1 kind=$2
  mkdir -p "corpus/$target"
  find ../fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name 'Dockerfile*' -o -name '*.Dockerfile' -o -name '*.json' \) -print0 |
    while IFS= read -r -d '' file; do
      case "$kind:$file" in
        compose:*.yaml | compose:*.yml | dockerfile:*Dockerfile* | daemon:*.json) cp "$file" "corpus/$target/$(sha1sum < "$file" | cut -c1-16)" ;;
      esac
    done
  if [ -n "${DHLINT_CORPUS:-}" ] && [ -d "$DHLINT_CORPUS/$kind" ]; then
    for file in "$DHLINT_CORPUS/$kind"/*; do
      cp "$file" "corpus/$target/$(sha1sum < "$file" | cut -c1-16)"
    done
  fi
}

for target in "${targets[@]}"; do
  case "$target" in
    compose | fix_compose | yaml_tree) seed "$target" compose ;;
    daemon | fix_daemon) seed "$target" daemon ;;
    *) seed "$target" dockerfile ;;
  esac
  log="$(mktemp)"
  status=0
  started=$(date +%s)
  cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo "?")
  crashes=$(find "artifacts/$target" -type f 2>/dev/null | wc -l)
  elapsed=$(( $(date +%s) - started ))
  echo "$target: ${elapsed}s of ${seconds}s, ${execs} executions, ${crashes} crash files, exit status ${status}"
  rm -f "$log"
done
