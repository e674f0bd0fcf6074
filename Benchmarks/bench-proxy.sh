#!/usr/bin/env bash
# make bench-proxy: the static case of make bench through one local tinyproxy: scrape --proxy
# beside curl --parallel -x, same URL list, same concurrency; pages/s and CPU (client and proxy).
#
# Starts its own nginx (1 worker) and tinyproxy (its own config, on 127.0.0.1), both stopped at
# the end; one untimed warm-up pass; RUNS rounds alternating who goes first, medians printed as
# a Markdown table and written to Benchmarks/results/.
#
# Usage: bench-proxy.sh SCRAPE_BINARY   (env: RUNS=3 PAGES=5000 CONCURRENCY=32 PORT=18095 PROXY_PORT=18096)
set -euo pipefail
cd "$(dirname "$0")/.."
scrape=$(realpath "${1:?usage: bench-proxy.sh SCRAPE_BINARY}")
runs=${RUNS:-3} pages=${PAGES:-5000} n=${CONCURRENCY:-32} port=${PORT:-18095} proxy_port=${PROXY_PORT:-18096}
work=$(realpath -m Benchmarks/work/bench-proxy)
python=python3
mkdir -p "$work" Benchmarks/results
if [ ! -f "$work/corpus.done" ] || [ "$(cat "$work/corpus.done")" != "$pages" ]; then
    rm -rf "$work/www" && "$python" Benchmarks/corpus.py "$work/www" "$pages" && echo "$pages" > "$work/corpus.done"
fi
chmod -R 755 "$work"

. Benchmarks/lib/nginx.sh
start_nginx "$work" "$port" "server {
        listen 127.0.0.1:$port backlog=4096;
        root $work/www;
    }" "" "charset utf-8;"

. Benchmarks/lib/tinyproxy.sh
start_tinyproxy "$work" "$proxy_port"

proxy="http://127.0.0.1:$proxy_port"
base="http://127.0.0.1:$port"
seq 0 $((pages - 1)) | awk -v b="$base" '{print b "/p" $1 ".html"}' > "$work/urls.txt"
awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$work/urls.txt" > "$work/urls.curl"

proxy_ticks() { awk '{print $14 + $15}' "/proc/$tinyproxy_pid/stat" 2>/dev/null || echo 0; }

# run PEER -> "wall cpu proxy_cpu ok"
run() {
    local peer=$1 out="$work/out-$1.jsonl" command before after start end ok
    rm -f "$out"
    case "$peer" in
        scrape) command=("$scrape" "$work/urls.txt" -o "$out" --quiet --proxy "$proxy" --concurrency "$n" --per-host-concurrency "$n" --ignore-robots --retries 0) ;;
        curl) command=(curl --silent --parallel --parallel-immediate --parallel-max "$n" -x "$proxy" -K "$work/urls.curl") ;;
    esac
    before=$(proxy_ticks)
    start=$(date +%s%N)
    env -u http_proxy -u https_proxy -u all_proxy -u no_proxy /usr/bin/time -f "%e %U %S" -o "$work/time.txt" "${command[@]}" >/dev/null 2>"$work/stderr-$peer.txt" || true
    end=$(date +%s%N)
    after=$(proxy_ticks)
    ok="-"
    [ "$peer" = scrape ] && ok=$(grep -c '"status":200' "$out" || true)
    awk -v w=$(( end - start )) -v p=$(( after - before )) -v ok="$ok" '{printf "%.4f %.2f %.2f %s\n", w / 1e9, $2 + $3, p / 100, ok}' "$work/time.txt"
}

run curl >/dev/null  # warm-up, untimed
declare -A samples
for round in $(seq "$runs"); do
    order=(scrape curl); [ $((round % 2)) -eq 0 ] && order=(curl scrape)
    for peer in "${order[@]}"; do samples[$peer]+="$(run "$peer")"$'\n'; done
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
table="| $pages pages through tinyproxy, concurrency $n | pages/s | client CPU s | proxy CPU s | 200s |
|---|---|---|---|---|"
for peer in scrape curl; do
    wall=$(printf '%s' "${samples[$peer]}" | awk 'NF {print $1}' | median)
    cpu=$(printf '%s' "${samples[$peer]}" | awk 'NF {print $2}' | median)
    pcpu=$(printf '%s' "${samples[$peer]}" | awk 'NF {print $3}' | median)
    ok=$(printf '%s' "${samples[$peer]}" | awk 'NF {print $4}' | tail -1)
    table+=$'\n'"| $peer | $(awk -v p="$pages" -v w="$wall" 'BEGIN {printf "%.0f", p / w}') | $cpu | $pcpu | $ok |"
done
printf '%s\n' "$table" | tee "Benchmarks/results/proxy-$(date -u +%Y-%m-%d).md"
