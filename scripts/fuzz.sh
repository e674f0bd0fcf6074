#!/usr/bin/env bash
# make fuzz: runs each libFuzzer target for FUZZ_SECONDS (default 60) from its seed corpus
# (Fuzz/Corpus/TARGET, kept in the repository; new inputs libFuzzer finds go to a work copy;
# Fuzz/TARGET.dict, when there is one, is its dictionary),
# prints executions and crashes per target, and fails on any crash.
#
# Usage: fuzz.sh FUZZ_BINARY [SECONDS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:?usage: fuzz.sh FUZZ_BINARY [SECONDS] [TARGET...]}")
seconds=${2:-60}
shift 2 2>/dev/null || shift $#
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(title robots json url-source resume config json-compact ws-frames ws-handshake tree selector)
work=$(realpath -m Fuzz/work)
mkdir -p "$work"
failed=0
printf '| target | seconds | execs | execs/s | crashes |\n|---|---:|---:|---:|---:|\n' > "$work/summary.md"
for target in "${targets[@]}"; do
    corpus="$work/corpus-$target"
    mkdir -p "$corpus" "$work/artifacts-$target"
    cp -n Fuzz/Corpus/"$target"/* "$corpus"/ 2>/dev/null || true
    log="$work/$target.log"
    # The HTML tree builder gets inputs up to 64 KB (a quadratic step shows as a timeout only
    # on long inputs) and a dictionary of tags and markup; the selector parser, its tokens.
    extra=()
    [ -f "Fuzz/$target.dict" ] && extra+=(-dict="Fuzz/$target.dict")
    [ "$target" = tree ] && extra+=(-max_len=65536)
    SCRAPE_FUZZ_TARGET=$target "$binary" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts-$target/" "${extra[@]}" >"$log" 2>&1
    status=$?
    execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)
    crashes=$(find "$work/artifacts-$target" -type f | wc -l)
    [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
    rate=$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))
    printf '| %s | %s | %s | %s | %s |\n' "$target" "$seconds" "${execs:-0}" "$rate" "$crashes" >> "$work/summary.md"
    if [ "$crashes" -ne 0 ]; then
        failed=1
        echo "fuzz: $target crashed; see $log and $work/artifacts-$target/" >&2
    fi
done
cat "$work/summary.md"
exit $failed
