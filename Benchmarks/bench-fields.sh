#!/usr/bin/env bash
# make bench-fields: the 10 fields of Benchmarks/fields/selectors.txt (text, attribute, ::url,
# [], XPath) on the same pages, for each contender, in one run.
#
# Corpus: PAGES (default 2,000) shop pages of 10-50 KB (Benchmarks/fields/corpus.py: nav, lists,
# a specs table, links, JSON-LD; a quarter with <base href>), with the values every field must
# give. (The `make bench` corpus is div/p/a filler with nothing a selector would look for.)
# Served by our own nginx on 127.0.0.1 (Benchmarks/lib/nginx.sh, 1 worker), as `make bench` does.
#
#   fetch + parse + select, over HTTP, concurrency 64 (CONCURRENCY):
#     scrape    scrape URLS -o OUT --field ... (release build)
#     scrapy    Scrapy with parsel (Benchmarks/fields/scrapy_fields.py)
#     aiohttp   aiohttp + BeautifulSoup with lxml (Benchmarks/fields/aiohttp_fields.py)
#   parse + select only, on the saved pages, one process:
#     extract   scrape extract --files-from LIST --field ... (the same engine, offline)
#     selectolax  selectolax with lexbor (Benchmarks/fields/offline.py selectolax)
#     parsel    parsel with lxml, for reference (offline.py parsel)
# Each round runs every contender once, each round led by a different one (ROUNDS, default 5);
# the table gives medians, and the ratios are medians of the ratios within a round. Wall time
# from the clock, CPU (user + sys) and peak RSS from time(1). Every output is checked against
# the corpus (fields correct). Then RSS: scrape and extract over FLAT (default 5) times the
# pages, to show peak RSS stays flat.
#
# Usage: bench-fields.sh SCRAPE_BINARY | -   ("-": Python contenders only)
#   env: ROUNDS=5 PAGES=2000 PORT=18091 CONCURRENCY=64 FLAT=5
#        HTTP_PEERS="scrape scrapy aiohttp" OFFLINE_PEERS="extract selectolax parsel"
#        BASELINE=OTHER_SCRAPE_BINARY adds "baseline" (over HTTP) and "baseline-extract" (offline),
#        another build of scrape run as scrape is, alternated with the others: before/after a change
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:?usage: bench-fields.sh SCRAPE_BINARY | -}" = - ]; then scrape=""; else scrape=$(realpath "$1"); fi
rounds=${ROUNDS:-5} pages=${PAGES:-2000} port=${PORT:-18091} concurrency=${CONCURRENCY:-64} flat=${FLAT:-5}
http_peers=(${HTTP_PEERS:-scrape scrapy aiohttp})
offline_peers=(${OFFLINE_PEERS:-extract selectolax parsel})
baseline=${BASELINE:+$(realpath "$BASELINE")}
if [ -n "$baseline" ]; then
    [[ " ${http_peers[*]} " == *" baseline "* ]] || http_peers+=(baseline)
    [[ " ${offline_peers[*]} " == *" baseline-extract "* ]] || offline_peers+=(baseline-extract)
fi
if [ -z "$scrape" ]; then
    http_peers=($(printf '%s\n' "${http_peers[@]}" | grep -vx scrape || true))
    offline_peers=($(printf '%s\n' "${offline_peers[@]}" | grep -vx extract || true))
    echo "bench-fields: no scrape binary given; Python contenders only" >&2
fi
work=$(realpath -m Benchmarks/work/fields)
python=Benchmarks/.venv/bin/python
mkdir -p "$work/tmp" Benchmarks/results
if [ ! -f "$work/corpus.done" ] || [ "$(cat "$work/corpus.done")" != "$pages" ]; then
    rm -rf "$work/www" && "$python" Benchmarks/fields/corpus.py "$work/www" "$pages" && echo "$pages" > "$work/corpus.done"
fi
chmod -R 755 "$work"

# The fields, as scrape's flags.
fields=()
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    fields+=(--field "$line")
done < Benchmarks/fields/selectors.txt

. Benchmarks/lib/nginx.sh
start_nginx "$work" "$port" "server {
        listen 127.0.0.1:$port backlog=4096;
        root $work/www;
    }" "" "charset utf-8;"

base="http://127.0.0.1:$port"
seq 0 $((pages - 1)) | awk -v b="$base" '{print b "/p" $1 ".html"}' > "$work/urls.txt"
seq 0 $((pages - 1)) | awk -v d="$work/www" '{print d "/p" $1 ".html"}' > "$work/files.txt"
for _ in $(seq "$flat"); do cat "$work/urls.txt"; done > "$work/urls-flat.txt"
for _ in $(seq "$flat"); do cat "$work/files.txt"; done > "$work/files-flat.txt"
awk '{print "url = \"" $0 "\"\noutput = \"/dev/null\""}' "$work/urls.txt" > "$work/urls.curl"

# run PEER URLS FILES -> "wall cpu rss_kb correct loop_cpu" (loop_cpu: offline.py's CPU for its
# loop alone, without Python's start-up and imports; "-" for the others)
run() {
    local peer=$1 urls=$2 files=$3 out="$work/out-$1.jsonl" command
    rm -f "$out"
    case "$peer" in
        scrape|baseline) command=("$([ "$peer" = baseline ] && echo "$baseline" || echo "$scrape")" "$urls" -o "$out" --quiet --concurrency "$concurrency" --per-host-concurrency "$concurrency" --ignore-robots --retries 0 "${fields[@]}") ;;
        scrapy) command=("$python" Benchmarks/fields/scrapy_fields.py "$urls" "$out" "$concurrency") ;;
        aiohttp) command=("$python" Benchmarks/fields/aiohttp_fields.py "$urls" "$out" "$concurrency") ;;
        # --files-from: thousands of paths as arguments cost swift-argument-parser time that
        # grows with their square (~4 s of 5.7 at 10,000 files, perf), which is not extraction.
        extract|baseline-extract) command=("$([ "$peer" = baseline-extract ] && echo "$baseline" || echo "$scrape")" extract --files-from "$files" -o "$out" "${fields[@]}") ;;
        selectolax|parsel|bs4) command=("$python" Benchmarks/fields/offline.py "$peer" "$files" "$out") ;;
    esac
    local start end correct="-" loop="-"
    rm -f "$out.cpu"
    start=$(date +%s%N)
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "${command[@]}" >/dev/null 2>"$work/stderr-$peer.txt" || true
    end=$(date +%s%N)
    [ -f "$out" ] && correct=$("$python" Benchmarks/fields/check.py "$out" "$work/expected.json")
    [ -f "$out.cpu" ] && loop=$(cat "$out.cpu")
    awk -v w=$(( end - start )) -v c="$correct" -v l="$loop" '{printf "%.4f %.2f %s %s %s\n", w / 1e9, $2 + $3, $4, c, l}' "$work/time.txt"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A samples
contenders=("${http_peers[@]}" "${offline_peers[@]}")
# Warm-up, untimed: nginx's first pass and the page cache (see bench.sh).
curl --silent --parallel --parallel-max 64 -K "$work/urls.curl" >/dev/null 2>&1 || true
cat "$work/www"/*.html > /dev/null
for round in $(seq "$rounds"); do
    shift_by=$(( (round - 1) % ${#contenders[@]} ))
    order=("${contenders[@]:shift_by}" "${contenders[@]:0:shift_by}")
    for peer in "${order[@]}"; do
        line=$(run "$peer" "$work/urls.txt" "$work/files.txt")
        samples["$peer"]+="$line;"
        echo "round $round $peer: $line (wall cpu rss_kb correct loop_cpu)" >&2
    done
done
flat_lines=()
for peer in scrape extract selectolax; do
    [[ " ${contenders[*]} " == *" $peer "* ]] || continue
    line=$(run "$peer" "$work/urls-flat.txt" "$work/files-flat.txt")
    echo "flat x$flat $peer: $line" >&2
    flat_lines+=("$peer $line")
done

field() { local key=$1 column=$2; IFS=';' read -ra list <<<"${samples[$key]}"; printf '%s\n' "${list[@]}" | awk -v c="$column" '{print $c}' | median; }
# ratio A B COLUMN: median over rounds of A's column / B's column (round i of A with round i of B)
ratio() {
    local a b
    IFS=';' read -ra a <<<"${samples[$1]}"; IFS=';' read -ra b <<<"${samples[$2]}"
    for i in "${!a[@]}"; do
        paste <(echo "${a[$i]}" | awk -v c="$3" '{print $c}') <(echo "${b[$i]}" | awk -v c="$3" '{print $c}') | awk '$2 > 0 {print $1 / $2}'
    done | median
}
has() { [[ " ${contenders[*]} " == *" $1 "* ]]; }
date=$(date -u +%Y-%m-%d)
versions=$("$python" -c 'import aiohttp, bs4, lxml.etree, parsel, scrapy, selectolax, sys; print(f"Python {sys.version.split()[0]}, Scrapy {scrapy.__version__}, parsel {parsel.__version__}, aiohttp {aiohttp.__version__}, bs4 {bs4.__version__}, lxml {lxml.etree.__version__}, selectolax {selectolax.__version__}")')
{
    echo "Fields benchmark $date: $(nproc) cores, $(uname -m); nginx $(nginx -v 2>&1 | cut -d/ -f2) (1 worker) on 127.0.0.1; $versions. $pages pages ($(du -sk "$work/www" | awk '{printf "%.0f", $1 / 1024}') MB), 10 fields; median of $rounds alternating rounds."
    echo
    echo "| case | contender | wall s | pages/s | CPU s | CPU ms/page | peak RSS MB | fields correct |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for peer in "${contenders[@]}"; do
        case "$peer" in scrape|baseline|scrapy|aiohttp) label="fetch + parse + select (HTTP, $concurrency at once)" ;; *) label="parse + select (saved pages, one process)" ;; esac
        wall=$(field "$peer" 1) cpu=$(field "$peer" 2) rss=$(field "$peer" 3)
        correct=$(IFS=';' read -ra l <<<"${samples[$peer]}"; printf '%s\n' "${l[-1]}" | awk '{print $4}')
        awk -v c="$label" -v p="$peer" -v w="$wall" -v u="$cpu" -v r="$rss" -v n="$pages" -v t="$correct" \
            'BEGIN { printf "| %s | %s | %.2f | %.0f | %.2f | %.3f | %.1f | %s |\n", c, p, w, n / w, u, 1000 * u / n, r / 1024, t }'
    done
    for line in "${flat_lines[@]}"; do
        echo "$line" | awk -v f="$flat" -v n="$pages" '{ printf "| RSS check: %d x the pages | %s | %.2f | %.0f | %.2f | %.3f | %.1f | %s |\n", f, $1, $2, f * n / $2, $3, 1000 * $3 / (f * n), $4 / 1024, $5 }'
    done
    echo
    echo "Ratios (median of the per-round ratios; targets from issue 26):"
    echo
    if has scrape && has scrapy; then echo "- scrape pages/s / Scrapy pages/s: $(ratio scrapy scrape 1 | awk '{printf "%.1fx", $1}') (target >= 10x)"; fi
    if has scrape && has baseline; then echo "- scrape pages/s / baseline pages/s ($baseline): $(ratio baseline scrape 1 | awk '{printf "%.2fx", $1}')"; fi
    if has extract && has baseline-extract; then echo "- scrape extract CPU / baseline extract CPU: $(ratio extract baseline-extract 2 | awk '{printf "%.2f", $1}')"; fi
    if has scrape && has aiohttp; then echo "- scrape pages/s / aiohttp + BeautifulSoup pages/s: $(ratio aiohttp scrape 1 | awk '{printf "%.1fx", $1}')"; fi
    if has scrapy && has aiohttp; then echo "- Scrapy pages/s / aiohttp + BeautifulSoup pages/s: $(ratio aiohttp scrapy 1 | awk '{printf "%.2fx", $1}')"; fi
    if has extract && has selectolax; then echo "- scrape extract CPU per page / selectolax CPU per page: $(ratio extract selectolax 2 | awk '{printf "%.2f", $1}') (target <= 1.00)"; fi
    if has extract && has selectolax; then echo "- scrape extract CPU per page / selectolax's loop alone (no interpreter start-up or imports: $(field selectolax 5 | awk -v n="$pages" '{printf "%.3f", 1000 * $1 / n}') ms/page): $(paste <(field extract 2) <(field selectolax 5) | awk '{printf "%.2f", $1 / $2}') (the strict reading of the target)"; fi
    if has parsel && has selectolax; then echo "- parsel CPU per page / selectolax CPU per page: $(ratio parsel selectolax 2 | awk '{printf "%.2f", $1}')"; fi
    for line in "${flat_lines[@]}"; do
        peer=${line%% *}
        echo "- $peer peak RSS, $flat x the pages / 1 x: $(echo "$line" | awk -v one="$(field "$peer" 3)" '{printf "%.1f MB / %.1f MB = %.2f", $4 / 1024, one / 1024, $4 / one}') (flat: ~1)"
    done
    echo
    echo "CPU is user + sys of the whole process (start-up and file reading included: Python's ~0.05-0.3 s start-up"
    echo "is spread over $pages pages). The offline contenders run on the same saved files; selectolax and parsel on"
    echo "one core, scrape extract on as many as it uses (compare CPU per page, not pages/s)."
} | tee "Benchmarks/results/fields-$date.md"
