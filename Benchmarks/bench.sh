#!/usr/bin/env bash
# make bench: scrape beside the tools people use today, on the same pages, in one run.
#
# Starts its own nginx (1 worker, own config and pid file, stopped at the end) on 127.0.0.1,
# serving a deterministic corpus, and warms it up with one untimed pass. Then:
#   - scrape against curl, the pair that decides the targets: PAIRS pairs per case (at least
#     7; default 9), the two run back to back, which goes first alternating, and the ratios
#     (pages/s, CPU per page) taken pair by pair: the machine's speed drifts within a run, so
#     a ratio of two runs a second apart says more than medians of runs minutes apart. The
#     table prints each ratio's median and its spread (lowest to highest pair).
#   - the other peers (aiohttp, Scrapy, scrape at its default limits): RUNS rounds (default
#     3), each led by a different one, medians.
# Prints Markdown tables and writes them to Benchmarks/results/.
#   static:    STATIC pages (default 20,000; lognormal ~15 KB, up to 200 KB), concurrency 64
#              (and scrape alone with its default limits, 64 in flight and 8 per host)
#   latency:   LATENCY URLs (default 2,000) whose answer nginx delays 100 ms, concurrency 200
#   proxy:     the first PROXIED static pages (default 5,000) through one local tinyproxy,
#              concurrency 32, scrape --proxy against curl -x only (make bench-proxy has more)
#   start-up:  1 URL, median of 10 runs
#   big list:  1,000,000 lines, scrape only (the Python peers would take hours): peak RSS
# Peers: curl --parallel (fetch only), aiohttp + BeautifulSoup, Scrapy, and wrk on one page
# for the server's own ceiling. Every peer gets the same URL list and concurrency.
#
# Usage: bench.sh SCRAPE_BINARY   (env: PAIRS=9 RUNS=3 STATIC=20000 LATENCY=2000 PROXIED=5000 BIG=1000000
#        PORT=18090 PROXY_PORT=18091)
set -euo pipefail
cd "$(dirname "$0")/.."
scrape=$(realpath "${1:?usage: bench.sh SCRAPE_BINARY}")
pairs=${PAIRS:-9} runs=${RUNS:-3} static=${STATIC:-20000} latency=${LATENCY:-2000} big=${BIG:-1000000} port=${PORT:-18090}
proxied=${PROXIED:-5000} proxy_port=${PROXY_PORT:-18091}
work=$(realpath -m Benchmarks/work/bench)
python=Benchmarks/.venv/bin/python
mkdir -p "$work/tmp" Benchmarks/results
if [ ! -f "$work/corpus.done" ] || [ "$(cat "$work/corpus.done")" != "$static" ]; then
    rm -rf "$work/www" && "$python" Benchmarks/corpus.py "$work/www" "$static" && echo "$static" > "$work/corpus.done"
fi
chmod -R 755 "$work"

. Benchmarks/lib/nginx.sh
start_nginx "$work" "$port" "server {
        listen 127.0.0.1:$port backlog=4096;
        root $work/www;
        location /slow/ { echo_sleep 0.1; echo \"<!doctype html><title>slow \$uri</title>\"; }
    }" "load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;" "charset utf-8;"
worker=$(pgrep -P "$(cat "$work/nginx.pid")" | head -1)
. Benchmarks/lib/tinyproxy.sh
start_tinyproxy "$work" "$proxy_port"
proxy="http://127.0.0.1:$proxy_port"

base="http://127.0.0.1:$port"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
seq 0 $((static - 1)) | awk -v b="$base" '{print b "/p" $1 ".html"}' > "$work/static.txt"
seq 0 $((latency - 1)) | awk -v b="$base" '{print b "/slow/" $1}' > "$work/latency.txt"
echo "$base/p0.html" > "$work/one.txt"
head -n "$proxied" "$work/static.txt" > "$work/proxy.txt"
for case in static latency proxy one; do awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$work/$case.txt" > "$work/$case.curl"; done

server_ticks() { awk '{print $14 + $15}' "/proc/$worker/stat"; }

# run CASE PEER CONCURRENCY -> "wall cpu rss_kb server_cpu titles"
run() {
    local case=$1 peer=$2 n=$3 out="$work/out-$2.jsonl" before after
    rm -f "$out"
    local command
    case "$peer" in
        scrape) command=("$scrape" "$work/$case.txt" -o "$out" --quiet --concurrency "$n" --per-host-concurrency "$n" --ignore-robots --retries 0) ;;
        # scrape as a user runs it on one site: default limits (64 in flight, 8 per host), so
        # most URLs wait in the per-host queue (a copy of that queue per request once cost 2.5x).
        scrape-defaults) command=("$scrape" "$work/$case.txt" -o "$out" --quiet --ignore-robots --retries 0) ;;
        curl) command=(curl --silent --parallel --parallel-immediate --parallel-max "$n" -K "$work/$case.curl") ;;
        # Only the proxy named here: no environment proxy for anyone.
        scrape-proxied) command=(env -u http_proxy -u https_proxy -u all_proxy -u no_proxy "$scrape" "$work/$case.txt" -o "$out" --quiet
            --proxy "$proxy" --concurrency "$n" --per-host-concurrency "$n" --ignore-robots --retries 0) ;;
        curl-proxied) command=(env -u http_proxy -u https_proxy -u all_proxy -u no_proxy curl --silent --parallel --parallel-immediate
            --parallel-max "$n" -x "$proxy" -K "$work/$case.curl") ;;
        aiohttp) command=("$python" Benchmarks/peers/aiohttp_scraper.py "$work/$case.txt" "$out" "$n") ;;
        scrapy) command=("$python" Benchmarks/peers/scrapy_spider.py "$work/$case.txt" "$out" "$n") ;;
    esac
    before=$(server_ticks)
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "${command[@]}" >/dev/null 2>"$work/stderr-$peer.txt" || true
    end=$(date +%s%N)
    after=$(server_ticks)
    local titles="-"
    if { [ "$case" = static ] || [ "$case" = proxy ]; } && [ -f "$out" ]; then titles=$("$python" Benchmarks/check_titles.py "$out" "$work/titles.json"); fi
    # Wall time from the clock in ns (time(1) rounds to 10 ms); CPU and RSS from time(1).
    awk -v s=$(( after - before )) -v t="$titles" -v w=$(( end - start )) \
        '{printf "%.4f %.2f %s %.2f %s\n", w / 1e9, $2 + $3, $4, s / 100, t}' "$work/time.txt"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A samples ratios
peers=(scrape curl aiohttp scrapy)
# contenders CASE: the peers, plus scrape with its default limits on the static case.
contenders() { printf '%s\n' "${peers[@]}"; [ "$1" = static ] && echo scrape-defaults; return 0; }
# others CASE: the contenders timed in rounds, not in pairs.
others() { contenders "$1" | grep -vx -e scrape -e curl; }
[ "$pairs" -ge 7 ] || { echo "PAIRS must be at least 7 (got $pairs)" >&2; exit 2; }
# Warm-up, untimed: the first pass after nginx starts ran ~1.7x slower (1.33 s against
# 0.78 s for the same binary), and it used to fall on whoever went first.
curl --silent --parallel --parallel-max 64 -K "$work/static.curl" >/dev/null 2>&1 || true
# scrape against curl, pair by pair: ratios "speed cpu" where speed is scrape's pages/s over
# curl's (curl's wall over scrape's) and cpu is scrape's CPU per page over curl's.
for case in static latency proxy; do
    concurrency=64; [ "$case" = latency ] && concurrency=200; [ "$case" = proxy ] && concurrency=32
    suffix=""; [ "$case" = proxy ] && suffix="-proxied"
    for pair in $(seq "$pairs"); do
        order=(scrape curl); [ $((pair % 2)) -eq 0 ] && order=(curl scrape)
        declare -A pair_line=()
        for peer in "${order[@]}"; do
            pair_line[$peer]=$(run "$case" "$peer$suffix" "$concurrency")
            samples["$case/$peer"]+="${pair_line[$peer]};"
            echo "pair $pair $case $peer: ${pair_line[$peer]} (wall cpu rss_kb server_cpu titles)" >&2
        done
        ratios[$case]+=$(awk -v s="${pair_line[scrape]}" -v c="${pair_line[curl]}" \
            'BEGIN { split(s, a, " "); split(c, b, " "); printf "%.4f %.4f;", b[1] / a[1], a[2] / b[2] }')
    done
done
for round in $(seq "$runs"); do
    for case in static latency; do
        concurrency=64; [ "$case" = latency ] && concurrency=200
        mapfile -t order < <(others "$case")
        # Each round starts with a different contender, so none always runs first (right
        # after the previous round's long Python runs).
        shift_by=$(( (round - 1) % ${#order[@]} ))
        order=("${order[@]:shift_by}" "${order[@]:0:shift_by}")
        for peer in "${order[@]}"; do
            line=$(run "$case" "$peer" "$concurrency")
            samples["$case/$peer"]+="$line;"
            echo "round $round $case $peer: $line (wall cpu rss_kb server_cpu titles)" >&2
        done
    done
done
# Start-up: wall time from startup.py (median of 10, timed around the process alone); peak
# RSS from one run under time(1).
for peer in "${peers[@]}"; do
    line=$(run one "$peer" 1)
    case "$peer" in
        scrape) command=("$scrape" "$work/one.txt" -o "$work/out-one.jsonl" --quiet --ignore-robots --retries 0) ;;
        curl) command=(curl --silent -K "$work/one.curl") ;;
        aiohttp) command=("$python" Benchmarks/peers/aiohttp_scraper.py "$work/one.txt" "$work/out-one.jsonl" 1) ;;
        scrapy) command=("$python" Benchmarks/peers/scrapy_spider.py "$work/one.txt" "$work/out-one.jsonl" 1) ;;
    esac
    wall=$("$python" Benchmarks/startup.py 10 "${command[@]}")
    samples["one/$peer"]="$wall $(echo "$line" | cut -d' ' -f2-);"
done
seq 0 $((big - 1)) | awk -v b="$base" -v n="$static" '{print b "/p" ($1 % n) ".html"}' > "$work/big.txt"
big_line=$(run big scrape 64)

field() { local key=$1 column=$2; IFS=';' read -ra list <<<"${samples[$key]}"; printf '%s\n' "${list[@]}" | awk -v c="$column" '{print $c}' | median; }
ideal=$(awk -v n="$latency" 'BEGIN { printf "%.2f", n / 200 * 0.1 }')
wrk_rate=$(wrk -t1 -c64 -d3s "$base/p0.html" | awk '/Requests\/sec/ {printf "%.0f", $2}')
date=$(date -u +%Y-%m-%d)
{
    echo "Benchmark $date: $(nproc) cores, $(uname -m); nginx $(nginx -v 2>&1 | cut -d/ -f2) (1 worker) on 127.0.0.1; curl $(curl --version | head -1 | cut -d' ' -f2); $("$python" -c 'import aiohttp, bs4, scrapy, sys; print(f"Python {sys.version.split()[0]}, aiohttp {aiohttp.__version__}, bs4 {bs4.__version__}, Scrapy {scrapy.__version__}")'); load average before: $load_before."
    echo
    echo "scrape against curl, $pairs pairs per case (run back to back, alternating which goes first), ratios taken pair by pair:"
    echo
    echo "| case | scrape pages/s (median) | curl pages/s (median) | scrape/curl pages/s: median | spread | scrape/curl CPU per page: median | spread |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for case in static latency proxy; do
        count=$static; [ "$case" = latency ] && count=$latency; [ "$case" = proxy ] && count=$proxied
        IFS=';' read -ra list <<<"${ratios[$case]}"
        speed=$(printf '%s\n' "${list[@]}" | awk '{print $1}' | median) cpu=$(printf '%s\n' "${list[@]}" | awk '{print $2}' | median)
        speed_range=$(printf '%s\n' "${list[@]}" | awk '{print $1}' | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f-%.2f", lo, hi}')
        cpu_range=$(printf '%s\n' "${list[@]}" | awk '{print $2}' | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%.2f-%.2f", lo, hi}')
        awk -v c="$case" -v n="$count" -v sw="$(field "$case/scrape" 1)" -v cw="$(field "$case/curl" 1)" -v s="$speed" -v sr="$speed_range" -v u="$cpu" -v ur="$cpu_range" \
            'BEGIN { printf "| %s | %.0f | %.0f | **%.2fx** | %s | **%.2fx** | %s |\n", c, n / sw, n / cw, s, sr, u, ur }'
    done
    echo
    echo "Every peer (scrape and curl: medians of the pairs above; the others: median of $runs rounds):"
    echo
    echo "| case | peer | wall s | pages/s | CPU s | CPU ms/page | peak RSS MB | server CPU s | titles correct | x ideal |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for case in static latency proxy; do
        count=$static; [ "$case" = latency ] && count=$latency; [ "$case" = proxy ] && count=$proxied
        for peer in $(if [ "$case" = proxy ]; then echo scrape curl; else contenders "$case"; fi); do
            wall=$(field "$case/$peer" 1) cpu=$(field "$case/$peer" 2) rss=$(field "$case/$peer" 3) server=$(field "$case/$peer" 4)
            titles=$(IFS=';' read -ra l <<<"${samples[$case/$peer]}"; printf '%s\n' "${l[-1]}" | awk '{print $5}')
            [ "$peer" = curl ] && titles="fetch only"
            awk -v c="$case" -v p="$peer" -v w="$wall" -v u="$cpu" -v r="$rss" -v s="$server" -v n="$count" -v t="$titles" -v i="$ideal" \
                'BEGIN { x = (c == "latency") ? sprintf("%.2f", w / i) : "-"; printf "| %s | %s | %.2f | %.0f | %.2f | %.3f | %.1f | %.2f | %s | %s |\n", c, p, w, n / w, u, 1000 * u / n, r / 1024, s, t, x }'
        done
    done
    for peer in "${peers[@]}"; do
        awk -v p="$peer" -v w="$(field "one/$peer" 1)" -v r="$(field "one/$peer" 3)" 'BEGIN { printf "| start-up (1 URL, median of 10) | %s | %.4f | - | - | - | %.1f | - | - | - |\n", p, w, r / 1024 }'
    done
    echo "$big_line" | awk -v n="$big" '{ printf "| big list (%d lines) | scrape | %.2f | %.0f | %.2f | %.3f | %.1f | %.2f | - | - |\n", n, $1, n / $1, $2, 1000 * $2 / n, $3 / 1024, $4 }'
    echo "| server ceiling | wrk -t1 -c64 on one page | - | $wrk_rate | - | - | - | - | - | - |"
    echo
    echo "Proxy case: the first $proxied static pages through one tinyproxy ($(tinyproxy -v 2>&1 | head -1)) at concurrency 32; server CPU is nginx's, not the proxy's (make bench-proxy has that)."
    echo "Latency case ideal: $latency URLs / 200 concurrent x 100 ms = $ideal s. scrape-defaults: the static"
    echo "case with scrape's default limits (64 in flight, 8 per host), as a user runs it on one site."
} | tee "Benchmarks/results/bench-$date.md"
