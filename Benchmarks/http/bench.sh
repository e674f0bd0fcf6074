#!/usr/bin/env bash
# make bench-http: requests per second at 64 concurrent against nginx from Debian on
# 127.0.0.1, on one URL list: `scrape` (fetch + title + JSON Lines), `scrape-fetch` (the
# HTTP engine alone, fetch only) and `curl --parallel --parallel-max 64` (fetch only).
# Runs alternate and repeat; the table shows medians. scrape's titles are checked.
#
# Usage: bench.sh SCRAPE_BINARY SCRAPE_FETCH_BINARY
#        (env: REQUESTS=20000 RUNS=3 CONCURRENCY=64 PORT=18080)
set -euo pipefail
cd "$(dirname "$0")/../.."
scrape_binary=$(realpath "${1:?usage: bench.sh SCRAPE_BINARY SCRAPE_FETCH_BINARY}")
fetch_binary=$(realpath "${2:?usage: bench.sh SCRAPE_BINARY SCRAPE_FETCH_BINARY}")
requests=${REQUESTS:-20000}
runs=${RUNS:-3}
concurrency=${CONCURRENCY:-64}
port=${PORT:-18080}
work=$(realpath -m Benchmarks/work/http)

rm -rf "$work" && mkdir -p "$work/www" "$work/tmp" && chmod -R 755 "$work"

# 200 small static files, 512 B to ~4 KB, deterministic content.
python3 - "$work/www" <<'PY'
import sys, random
random.seed(7)
for i in range(200):
    size = random.randint(512, 4096)
    body = (f"<!doctype html><title>page {i}</title>" + "x" * size)[:size]
    open(f"{sys.argv[1]}/p{i}.html", "w").write(body)
PY
python3 - "$work" "$port" "$requests" <<'PY'
import sys
work, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
urls = [f"http://127.0.0.1:{port}/p{i % 200}.html" for i in range(n)]
open(f"{work}/urls.txt", "w").write("\n".join(urls) + "\n")
with open(f"{work}/curl.cfg", "w") as f:
    for u in urls:
        f.write(f'url = "{u}"\noutput = "/dev/null"\n')
PY

. Benchmarks/lib/nginx.sh
start_nginx "$work" "$port" "server { listen 127.0.0.1:$port; root $work/www; }"

# One measured run: prints "wall user sys maxrss_kb".
measure() {
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" \
        || { cat "$work/stderr.txt" >&2; return 1; }
    cat "$work/time.txt"
}

declare -A results
contenders=("scrape (titles)" "scrape-fetch (fetch only)" "curl --parallel (fetch only)")
for run in $(seq "$runs"); do
    for name in "${contenders[@]}"; do
        case "$name" in
            scrape*titles*) line=$(measure "$scrape_binary" "$work/urls.txt" -o "$work/out.jsonl" --quiet \
                --concurrency "$concurrency" --per-host-concurrency "$concurrency") ;;
            scrape-fetch*) line=$(measure "$fetch_binary" "$work/urls.txt" --concurrency "$concurrency" --summary-only) ;;
            curl*) line=$(measure curl --silent --parallel --parallel-max "$concurrency" -K "$work/curl.cfg") ;;
        esac
        results["$name"]+="$line;"
        echo "run $run $name: $line (wall user sys rss_kb)" >&2
    done
done

# Every record must carry the title of its page ("page N" for pN.html).
correct=$(python3 - "$work/out.jsonl" <<'PY'
import json, re, sys
ok = total = 0
for line in open(sys.argv[1]):
    record = json.loads(line)
    total += 1
    number = re.search(r"/p(\d+)\.html$", record["url"]).group(1)
    ok += record["title"] == f"page {number}" and record["error"] is None
print(f"{ok}/{total}")
PY
)

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
date=$(date -u +%Y-%m-%d)
machine="$(nproc) cores, $(uname -m), curl $(curl --version | head -1 | cut -d' ' -f2), nginx $(nginx -v 2>&1 | cut -d/ -f2)"
{
    echo "$requests requests for 200 small HTML files (0.5-4 KB), $concurrency concurrent, nginx (1 worker) on 127.0.0.1."
    echo "Median of $runs alternating runs, $date, $machine."
    echo
    echo "| client | wall s | requests/s | CPU s (user+sys) | peak RSS MB | titles correct |"
    echo "|---|---:|---:|---:|---:|---:|"
    for name in "${contenders[@]}"; do
        IFS=';' read -ra samples <<<"${results[$name]}"
        wall=$(printf '%s\n' "${samples[@]}" | awk '{print $1}' | median)
        cpu=$(printf '%s\n' "${samples[@]}" | awk '{print $2 + $3}' | median)
        rss=$(printf '%s\n' "${samples[@]}" | awk '{print $4}' | median)
        titles="-"; [[ "$name" == *titles* ]] && titles=$correct
        awk -v n="$name" -v w="$wall" -v c="$cpu" -v r="$rss" -v q="$requests" -v t="$titles" \
            'BEGIN { printf "| %s | %.2f | %.0f | %.2f | %.1f | %s |\n", n, w, q / w, c, r / 1024, t }'
    done
} | tee "Benchmarks/results/http-$date.md"
