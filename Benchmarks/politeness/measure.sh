#!/usr/bin/env bash
# make bench-politeness: checks that rate limits hold and do not spill over to other hosts.
#   1. --per-host-rate 20/s over 200 URLs (10 s): the observed rate, from the records' times.
#   2. Two hosts on one nginx: "localhost" whose robots.txt says Crawl-delay: 0.5 (2/s), and
#      "127.0.0.1" unlimited. 127.0.0.1's pages/s alone, then beside the slow host.
#   3. --per-host-concurrency auto against a host of fixed capacity (capacity_server.py: K at
#      once in 50 ms, queued beyond, 503 beyond 3K): K = 4 beside fixed 4 and 16 (2,000 URLs),
#      K = 64 with auto:128 beside fixed 64 (4,000 URLs, --concurrency 128). Pages/s and 503s,
#      alternated, medians of ROUNDS (default 3); the breaker kept closed for every setting.
# Usage: measure.sh SCRAPE_BINARY   (env: PORT=18081)
set -euo pipefail
cd "$(dirname "$0")/../.."
scrape=$(realpath "${1:?usage: measure.sh SCRAPE_BINARY}")
port=${PORT:-18081}
work=$(realpath -m Benchmarks/work/politeness)
rm -rf "$work" && mkdir -p "$work/www" "$work/slow" "$work/tmp" && chmod -R 755 "$work"
for i in $(seq 0 199); do printf '<!doctype html><title>page %s</title>%s' "$i" "$(head -c 2000 /dev/zero | tr '\0' x)" > "$work/www/p$i.html"; done
cp "$work"/www/*.html "$work/slow/"
printf 'User-agent: *\nAllow: /\n' > "$work/www/robots.txt"
printf 'User-agent: *\nCrawl-delay: 0.5\n' > "$work/slow/robots.txt"
. Benchmarks/lib/nginx.sh
start_nginx "$work" "$port" "server { listen 127.0.0.1:$port default_server; root $work/www; }
    server { listen 127.0.0.1:$port; server_name localhost; root $work/slow; }"

# Observed rate: (n - 1) / (last fetched_at - first fetched_at).
rate_of() {
    python3 - "$1" "$2" <<'PY'
import json, sys
from datetime import datetime
times = sorted(datetime.strptime(json.loads(l)["fetched_at"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
               for l in open(sys.argv[1]) if sys.argv[2] in json.loads(l)["url"])
print(f"{(len(times) - 1) / (times[-1] - times[0]):.2f}")
PY
}

for i in $(seq 0 199); do echo "http://127.0.0.1:$port/p$i.html"; done > "$work/rate.txt"
"$scrape" "$work/rate.txt" -o "$work/rate.jsonl" --quiet --per-host-rate 20/s
observed=$(rate_of "$work/rate.jsonl" "127.0.0.1")

for i in $(seq 0 19999); do echo "http://127.0.0.1:$port/p$((i % 200)).html"; done > "$work/fast.txt"
for i in $(seq 0 19); do echo "http://localhost:$port/p$i.html"; done > "$work/slow.txt"
python3 - "$work" <<'PY'
import sys
w = sys.argv[1]
fast, slow = open(f"{w}/fast.txt").read().split(), open(f"{w}/slow.txt").read().split()
mixed = []
for i, url in enumerate(fast):
    mixed.append(url)
    if i % 1000 == 0 and slow: mixed.append(slow.pop(0))
open(f"{w}/mixed.txt", "w").write("\n".join(mixed + slow) + "\n")
PY
alone=() beside=()
for run in 1 2 3; do
    "$scrape" "$work/fast.txt" -o "$work/alone.jsonl" --quiet --concurrency 64 --per-host-concurrency 32
    alone+=("$(rate_of "$work/alone.jsonl" "127.0.0.1")")
    "$scrape" "$work/mixed.txt" -o "$work/mixed.jsonl" --quiet --concurrency 64 --per-host-concurrency 32
    beside+=("$(rate_of "$work/mixed.jsonl" "127.0.0.1")")
done
slow_rate=$(rate_of "$work/mixed.jsonl" "localhost")
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| check | target | observed |"
echo "|---|---|---:|"
echo "| --per-host-rate 20/s, 200 URLs | 20/s within 5% | $observed/s |"
echo "| 127.0.0.1 alone, 20,000 URLs (median of 3) | - | $(median "${alone[@]}") pages/s |"
echo "| 127.0.0.1 beside localhost at Crawl-delay 0.5 (median of 3) | within 10% of alone | $(median "${beside[@]}") pages/s |"
echo "| localhost (Crawl-delay 0.5), 20 URLs | 2/s | $slow_rate/s |"

# 3. Adaptive per-host concurrency against hosts of fixed capacity.
rounds=${ROUNDS:-3}
cap_port=$((port + 1))
adaptive_case() {  # K URLS CONCURRENCY SETTING...: prints "setting pages/s 503s" per setting, medians
    local k=$1 n=$2 conc=$3; shift 3
    python3 Benchmarks/politeness/capacity_server.py "$cap_port" "$k" 50 & local server=$!
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$cap_port/stats" >/dev/null && break; sleep 0.1; done
    for i in $(seq 1 "$n"); do echo "http://127.0.0.1:$cap_port/$i"; done > "$work/cap.txt"
    # The same policies for every setting: retries as usual, but a breaker that does not open
    # (a fixed limit above 3K gets 503s all along, and its breaker's doubling cooldowns
    # would measure the breaker, not the limit) and short backoffs.
    printf 'http:\n  circuit_breaker: {failures: 100000}\n  backoff: {initial: 50ms, max: 1s}\n' > "$work/cap.yaml"
    declare -A rates=() rejects=() fails=()
    for _ in $(seq "$rounds"); do
        for setting in "$@"; do
            local before after start end
            before=$(curl -s "http://127.0.0.1:$cap_port/stats" | awk '{print $4}')
            start=$(date +%s.%N)
            "$scrape" "$work/cap.txt" -o "$work/cap.jsonl" --quiet --ignore-robots --config "$work/cap.yaml" \
                --concurrency "$conc" --per-host-concurrency "$setting"
            end=$(date +%s.%N)
            after=$(curl -s "http://127.0.0.1:$cap_port/stats" | awk '{print $4}')
            # Throughput is pages fetched whole: a record that ended as a 503 after its retries is not one.
            local ok
            ok=$(grep -c '"status":200' "$work/cap.jsonl" || true)
            rates[$setting]+="$(echo "$ok / ($end - $start)" | bc -l) "
            fails[$setting]+="$((n - ok)) "
            rejects[$setting]+="$((after - before)) "
        done
    done
    kill "$server"; wait "$server" 2>/dev/null || true
    for setting in "$@"; do
        # shellcheck disable=SC2086
        echo "$setting $(median ${rates[$setting]}) $(median ${rejects[$setting]}) $(median ${fails[$setting]})"
    done
}
echo
echo "| host of capacity K (50 ms an answer) | --per-host-concurrency | pages fetched/s (median of $rounds) | 503s answered | records not fetched (503 after retries) |"
echo "|---|---|---:|---:|---:|"
while read -r setting rate rejected failed; do
    printf '| K = 4, 2,000 URLs | %s | %.1f | %s | %s |\n' "$setting" "$rate" "$rejected" "$failed"
done < <(adaptive_case 4 2000 64 4 16 auto)
while read -r setting rate rejected failed; do
    printf '| K = 64, 4,000 URLs, --concurrency 128 | %s | %.1f | %s | %s |\n' "$setting" "$rate" "$rejected" "$failed"
done < <(adaptive_case 64 4000 128 64 auto:128)
echo "(targets: auto >= 85% of the better of 4 and 16 at K = 4, with <= 1% 503s; auto:128 >= 80% of 64 at K = 64)"
