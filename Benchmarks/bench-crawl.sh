#!/usr/bin/env bash
# make bench-crawl: `scrape crawl` beside `wget --recursive` and Scrapy's CrawlSpider on one
# documentation site, and (BENCH_CRAWL_MILLION=1, or `make bench-crawl-memory` alone) the
# 1,000,000-page memory case.
#
# Site: the PostgreSQL 15 HTML documentation as Debian installs it (postgresql-doc-15,
# DOCS=/usr/share/doc/postgresql-doc-15/html: ~1,170 files, 18 MB), served by our own nginx on
# 127.0.0.1 (Benchmarks/lib/nginx.sh, 1 worker, Debian's mime.types) under /docs/15/, and
# crawled from /docs/15/index.html, every contender limited to that directory:
#     scrape   scrape crawl SEED -o OUT --scope prefix --ignore-robots (release build)
#     wget     wget --recursive --level=inf --no-parent -e robots=off, into a directory of
#              its own (it also fetches page requisites: the stylesheet, <object> SVGs)
#     scrapy   Scrapy's CrawlSpider, one Rule(LinkExtractor(allow=PREFIX), follow=True)
#              (Benchmarks/peers/scrapy_crawlspider.py)
# Two configurations: "default" (each tool's own limits: scrape 64 in flight and 8 per host,
# Scrapy 16 and 8 per domain, wget one at a time) and "host1" (scrape at per-host
# concurrency 1 against wget, which is always sequential). Each round runs every contender once, each
# round led by a different one (ROUNDS, default 5), after one untimed warm-up round; the table
# gives medians, ratios are medians of the per-round ratios. Wall time from the clock, CPU
# (user + sys) and peak RSS from time(1), pages found from each tool's own output (scrape's
# and Scrapy's records, wget's log). Then each tool's set of URLs is compared with scrape's,
# and differences listed with the reason where the URL tells it.
#
# Memory: nginx generates a site of 1,000,000 pages: "/" links to /p/1 ... /p/9, /p/N to
# /p/N0 ... /p/N9 (a 10-ary tree, 6 levels), and every page also to "/" and to its parent;
# the leaves (/p/NNNNNN) to "/", their parent and their 10 siblings, so most links are
# duplicates and the seen set is looked up ~12 million times. `scrape crawl / --max-pages
# MAX_PAGES` (default 1,000,000: all of it) at CONCURRENCY in flight (default 64, all on one
# host) under /usr/bin/time -v: peak RSS (target < 64 MB), pages/s, RSS sampled every
# SAMPLE seconds. Every record's URL is checked distinct.
#
# Usage: bench-crawl.sh SCRAPE_BINARY [site|memory|all]
#   default part: site, or all with BENCH_CRAWL_MILLION=1
#   env: ROUNDS=5 PORT=18093 (and PORT+1 for the generated site) PEERS="scrape wget scrapy"
#        HOST1_PEERS="scrape wget" (add scrapy for Scrapy at CONCURRENT_REQUESTS_PER_DOMAIN=1)
#        DOCS=DIR MAX_PAGES=1000000 CONCURRENCY=64 SAMPLE=10
#        BASELINE=OTHER_SCRAPE_BINARY adds the contender "baseline" (another build of scrape, run
#        as scrape is) to both configurations, alternated with the others: before/after a change
# Results: Benchmarks/results/crawl-DATE.md (site, or all), crawl-memory-DATE.md (memory alone).
set -euo pipefail
cd "$(dirname "$0")/.."
scrape=$(realpath "${1:?usage: bench-crawl.sh SCRAPE_BINARY [site|memory|all]}")
default_part=site
case "${BENCH_CRAWL_MILLION:-}" in 1|yes|true) default_part=all ;; esac
part=${2:-$default_part}
case "$part" in site|memory|all) ;; *) echo "bench-crawl: unknown part '$part' (site, memory or all)" >&2; exit 2 ;; esac
rounds=${ROUNDS:-5} port=${PORT:-18093} docs=${DOCS:-/usr/share/doc/postgresql-doc-15/html}
max_pages=${MAX_PAGES:-1000000} concurrency=${CONCURRENCY:-64} sample=${SAMPLE:-10}
peers=(${PEERS:-scrape wget scrapy})
host1_peers=(${HOST1_PEERS:-scrape wget})
baseline=${BASELINE:+$(realpath "$BASELINE")}
if [ -n "$baseline" ]; then
    [[ " ${peers[*]} " == *" baseline "* ]] || peers+=(baseline)
    [[ " ${host1_peers[*]} " == *" baseline "* ]] || host1_peers+=(baseline)
fi
work=$(realpath -m Benchmarks/work/crawl)
python=Benchmarks/.venv/bin/python
mkdir -p "$work/tmp" Benchmarks/results
chmod 755 "$work"
mport=$((port + 1))

# The generated site's pages, one location per level (first matching regex wins): "/" is the
# root, /p/D its 9 children, /p/N (2-5 digits) inner pages, /p/NNNNNN the leaves. Named
# captures: nginx reads "${1}" as a variable named "1", not the capture.
links() { local out="" i; for i in 0 1 2 3 4 5 6 7 8 9; do out+="<a href=/p/$1$i>$i</a> "; done; printf '%s' "$out"; }
. Benchmarks/lib/nginx.sh
start_nginx "$work" "$port" "server {
        listen 127.0.0.1:$port backlog=4096;
        location /docs/15/ { alias $docs/; }
    }
    server {
        listen 127.0.0.1:$mport backlog=4096;
        default_type text/html;
        location = / { return 200 \"<!doctype html><title>root</title><a href=/p/1>1</a> <a href=/p/2>2</a> <a href=/p/3>3</a> <a href=/p/4>4</a> <a href=/p/5>5</a> <a href=/p/6>6</a> <a href=/p/7>7</a> <a href=/p/8>8</a> <a href=/p/9>9</a>\"; }
        location ~ ^/p/(?<n>[1-9])\$ { return 200 \"<!doctype html><title>p \$n</title>$(links '${n}')<a href=/>root</a>\"; }
        location ~ \"^/p/(?<n>(?<up>[1-9][0-9]{0,3})[0-9])\$\" { return 200 \"<!doctype html><title>p \$n</title>$(links '${n}')<a href=/>root</a> <a href=/p/\$up>up</a>\"; }
        location ~ \"^/p/(?<n>(?<up>[1-9][0-9]{4})[0-9])\$\" { return 200 \"<!doctype html><title>p \$n</title>$(links '${up}')<a href=/>root</a> <a href=/p/\$up>up</a>\"; }
    }" "" "include /etc/nginx/mime.types;"

load() { uptime | sed 's/.*load average: //'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
date=$(date -u +%Y-%m-%d)
machine="$(nproc) cores, $(uname -m); nginx $(nginx -v 2>&1 | cut -d/ -f2) (1 worker) on 127.0.0.1"

# ---- the documentation site --------------------------------------------------------------
site() {
    local seed="http://127.0.0.1:$port/docs/15/index.html"
    [ -f "$docs/index.html" ] || { echo "bench-crawl: no documentation tree at $docs (apt-get install postgresql-doc-15)" >&2; exit 1; }
    curl -sf -o /dev/null "$seed" || { echo "bench-crawl: nginx does not serve $seed" >&2; exit 1; }
    cat "$docs"/* > /dev/null  # the page cache, before any round
    local files; files=$(find "$docs" -type f | wc -l)

    # run CONFIG PEER -> "wall cpu rss_kb pages"; the URLs found go to $work/found-CONFIG-PEER.txt
    run() {
        local config=$1 peer=$2 out="$work/out-$1-$2" command format
        rm -rf "$out" "$out.jsonl" "$out.jsonl.state" "$out.log"
        case "$peer" in
            scrape|baseline)
                command=("$([ "$peer" = baseline ] && echo "$baseline" || echo "$scrape")" crawl "$seed" -o "$out.jsonl" --scope prefix --ignore-robots --quiet)
                [ "$config" = host1 ] && command+=(--per-host-concurrency 1)
                format=(jsonl "$out.jsonl") ;;
            wget)
                command=(wget --recursive --level=inf --no-parent -e robots=off --no-verbose -o "$out.log" -P "$out" "$seed")
                format=(wget "$out.log") ;;
            scrapy)
                # Scrapy's defaults: 16 in flight, 8 per domain.
                command=("$python" Benchmarks/peers/scrapy_crawlspider.py "$seed" "$out.jsonl" 16 "$([ "$config" = host1 ] && echo 1 || echo 8)")
                format=(jsonl "$out.jsonl") ;;
        esac
        local start end
        start=$(date +%s%N)
        # wget exits 8 when a page answered 404 ("server issued an error response")
        /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "${command[@]}" >/dev/null 2>"$work/stderr-$config-$peer.txt" || true
        end=$(date +%s%N)
        "$python" Benchmarks/crawl/found.py "${format[@]}" > "$work/found-$config-$peer.txt"
        # the last line: time(1) writes "Command exited with non-zero status N" before it
        tail -1 "$work/time.txt" | awk -v w=$(( end - start )) -v p="$(wc -l < "$work/found-$config-$peer.txt")" \
            '{printf "%.3f %.2f %s %d\n", w / 1e9, $2 + $3, $4, p}'
    }

    declare -gA samples
    local configs=(default host1) config round peer line shift_by
    # in CONFIG: its contenders, one a line
    contenders() { if [ "$1" = host1 ]; then printf '%s\n' "${host1_peers[@]}"; else printf '%s\n' "${peers[@]}"; fi; }
    has() { contenders "$1" | grep -qx "$2"; }
    local load_before; load_before=$(load)
    for round in $(seq 0 "$rounds"); do   # round 0: untimed warm-up (Python's bytecode, nginx, the binary)
        for config in "${configs[@]}"; do
            local list; mapfile -t list < <(contenders "$config")
            shift_by=$(( round % ${#list[@]} ))
            for peer in "${list[@]:shift_by}" "${list[@]:0:shift_by}"; do
                line=$(run "$config" "$peer")
                cp "$work/found-$config-$peer.txt" "$work/found-$config-$peer-$round.txt"
                [ "$round" -gt 0 ] && samples["$config $peer"]+="$line;"
                echo "round $round $config $peer: $line (wall cpu rss_kb pages; load $(load))" >&2
            done
        done
    done
    local load_after; load_after=$(load)

    field() { local list; IFS=';' read -ra list <<<"${samples[$1]}"; printf '%s\n' "${list[@]}" | awk -v c="$2" '{print $c}' | median; }
    # ratio A B: median over rounds of (A's pages/s) / (B's pages/s)
    ratio() {
        local a b i
        IFS=';' read -ra a <<<"${samples[$1]}"; IFS=';' read -ra b <<<"${samples[$2]}"
        for i in "${!a[@]}"; do echo "${a[$i]} ${b[$i]}" | awk '{print ($4 / $1) / ($8 / $5)}'; done | median
    }
    # scrape's URL set, round by round: a crawl of a static site finds the same set every time.
    local stable=yes
    for config in "${configs[@]}"; do
        has "$config" scrape || continue
        for round in $(seq 1 "$rounds"); do
            cmp -s "$work/found-$config-scrape-$round.txt" "$work/found-$config-scrape-1.txt" || stable=no
        done
    done
    local versions
    versions=$("$python" -c 'import scrapy, sys; print(f"Python {sys.version.split()[0]}, Scrapy {scrapy.__version__}")')
    {
        echo "## Documentation site"
        echo
        echo "$machine; $(wget --version | head -1 | cut -d' ' -f1-3); $versions. The PostgreSQL 15 HTML docs ($(dpkg-query -W -f='postgresql-doc-15 ${Version}' postgresql-doc-15 2>/dev/null || echo "$docs"): $files files, $(du -sk "$docs" | awk '{printf "%.0f", $1 / 1024}') MB) under /docs/15/, crawled from index.html within that directory; median of $rounds alternating rounds after a warm-up round. Load average before: $load_before; after: $load_after."
        echo
        echo "| configuration | contender | wall s | pages found | pages/s | CPU s | CPU ms/page | peak RSS MB |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|"
        for config in "${configs[@]}"; do
            for peer in $(contenders "$config"); do
                local label
                case "$config/$peer" in
                    default/scrape) label="defaults (64 in flight, 8 per host)" ;;
                    default/scrapy) label="defaults (16 in flight, 8 per domain)" ;;
                    */wget) label="sequential (wget's only mode)" ;;
                    host1/*) label="per-host concurrency 1" ;;
                esac
                awk -v c="$label" -v p="$peer" -v w="$(field "$config $peer" 1)" -v u="$(field "$config $peer" 2)" \
                    -v r="$(field "$config $peer" 3)" -v n="$(field "$config $peer" 4)" \
                    'BEGIN { printf "| %s | %s | %.2f | %d | %.0f | %.2f | %.3f | %.1f |\n", c, p, w, n, n / w, u, 1000 * u / n, r / 1024 }'
            done
        done
        echo
        echo "Ratios (median of the per-round ratios of pages/s, each tool's pages/s by its own count; targets from issue 27):"
        echo
        if has default scrape && has default scrapy; then
            echo "- scrape / Scrapy, defaults: $(ratio "default scrape" "default scrapy" | awk '{printf "%.1fx", $1}') (target >= 10x)"
        fi
        if has host1 scrape && has host1 scrapy; then
            echo "- scrape / Scrapy, per-host concurrency 1: $(ratio "host1 scrape" "host1 scrapy" | awk '{printf "%.1fx", $1}')"
        fi
        if has host1 scrape && has host1 wget; then
            echo "- scrape / wget, per-host concurrency 1: $(ratio "host1 scrape" "host1 wget" | awk '{printf "%.2fx", $1}') pages/s; wall time $(field "host1 scrape" 1) s vs $(field "host1 wget" 1) s (target: faster than wget)"
        fi
        if has default scrape && has default baseline; then
            echo "- scrape / baseline ($baseline), defaults: $(ratio "default scrape" "default baseline" | awk '{printf "%.2fx", $1}') pages/s"
        fi
        if has host1 scrape && has host1 baseline; then
            echo "- scrape / baseline, per-host concurrency 1: $(ratio "host1 scrape" "host1 baseline" | awk '{printf "%.2fx", $1}') pages/s; wall time $(field "host1 scrape" 1) s vs $(field "host1 baseline" 1) s"
        fi
        if has default scrape && has default wget; then
            echo "- scrape / wget, defaults: $(ratio "default scrape" "default wget" | awk '{printf "%.2fx", $1}') pages/s"
        fi
        echo
        echo "URLs found (last round, compared with scrape's of the same configuration; scrape's set was identical in every round: $stable):"
        echo
        for config in "${configs[@]}"; do
            has "$config" scrape || continue
            for peer in $(contenders "$config"); do
                [ "$peer" = scrape ] && continue
                "$python" Benchmarks/crawl/compare.py "$work/found-$config-scrape.txt" "$work/found-$config-$peer.txt" "$peer" "$config"
            done
        done
        echo
        echo "CPU is user + sys of the whole process (Python's start-up and Scrapy's imports, ~0.5 s, included; wget's"
        echo "writing of every file to disk included). wget fetches the stylesheet and the SVGs of <object> elements"
        echo "as well (page requisites); scrape and Scrapy follow <a href> and <area href> only. Every page's head has"
        echo "\`<link rev=\"made\" href=\"pgsql-docs@lists.postgresql.org\">\` (a mail address written as a relative URL):"
        echo "wget follows <link> elements and gets a 404 for it."
    } > "$work/section-site.md"
}

# ---- the 1,000,000-page site ---------------------------------------------------------------
memory() {
    local seed="http://127.0.0.1:$mport/" out="$work/million.jsonl"
    curl -sf "http://127.0.0.1:$mport/p/123456" | grep -q 'href=/p/12345>up' || { echo "bench-crawl: the generated site does not answer as expected" >&2; exit 1; }
    rm -f "$out" "$out.state" "$out.state-wal" "$out.state-shm" "$work/million-samples.txt"
    local load_before start end tpid pid=""
    load_before=$(load)
    start=$(date +%s%N)
    /usr/bin/time -v -o "$work/million-time.txt" "$scrape" crawl "$seed" -o "$out" --max-pages "$max_pages" \
        --concurrency "$concurrency" --per-host-concurrency "$concurrency" --ignore-robots 2>"$work/million-stderr.txt" &
    tpid=$!
    echo "memory: crawling $seed, --max-pages $max_pages (RSS sampled every $sample s in $work/million-samples.txt)" >&2
    while kill -0 "$tpid" 2>/dev/null; do
        sleep "$sample"
        [ -n "$pid" ] || pid=$(pgrep -P "$tpid" | head -1 || true)
        [ -n "$pid" ] && [ -r "/proc/$pid/status" ] || continue
        local rss; rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$rss" ] || continue
        echo "$(( ($(date +%s%N) - start) / 1000000000 )) $rss $(wc -l < "$out") $(load | cut -d, -f1)" | tee -a "$work/million-samples.txt" >&2
    done
    wait "$tpid" || { echo "bench-crawl: scrape crawl failed (see $work/million-stderr.txt)" >&2; exit 1; }
    end=$(date +%s%N)
    local records distinct ok wall cpu peak
    records=$(wc -l < "$out")
    distinct=$(grep -o '^{"url":"[^"]*"' "$out" | sort -u | wc -l)
    ok=$(grep -c '"status":200,' "$out" || true)
    wall=$(awk -v w=$(( end - start )) 'BEGIN {printf "%.1f", w / 1e9}')
    cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.1f", u + s}' "$work/million-time.txt")
    peak=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$work/million-time.txt")
    {
        echo "## 1,000,000-page memory case"
        echo
        echo "$machine. A generated 10-ary tree of 1,000,000 pages (each links to its children, the root and its parent; leaves to the root, their parent and their 10 siblings), \`scrape crawl http://127.0.0.1:$mport/ --max-pages $max_pages --concurrency $concurrency --per-host-concurrency $concurrency --ignore-robots\`, one run. Load average before: $load_before; after: $(load)."
        echo
        echo "| records | distinct URLs | status 200 | wall s | pages/s | CPU s | CPU ms/page | peak RSS MB (time -v) | state file MB | output MB |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        awk -v r="$records" -v d="$distinct" -v o="$ok" -v w="$wall" -v c="$cpu" -v p="$peak" \
            -v s="$(du -m "$out.state" 2>/dev/null | cut -f1)" -v m="$(du -m "$out" | cut -f1)" \
            'BEGIN { printf "| %d | %d | %d | %.1f | %.0f | %.1f | %.3f | %s | %s | %s |\n", r, d, o, w, r / w, c, 1000 * c / r, p, s, m }'
        echo
        echo "Peak RSS target: < 64 MB: $(awk -v p="$peak" 'BEGIN {print (p < 64 ? "met" : "NOT met")}'). RSS sampled every $sample s: at most $(sort -k2 -g "$work/million-samples.txt" | tail -1 | awk '{printf "%.1f", $2 / 1024}') MB; a dozen of the samples (time: RSS at records written):"
        echo
        awk -v n="$(wc -l < "$work/million-samples.txt")" 'BEGIN {k = int((n + 11) / 12)} (NR - 1) % k == 0 || NR == n {
                printf "%s%ds: %.1f MB at %d", (NR > 1 ? "; " : ""), $1, $2 / 1024, $3 } END {print ""}' "$work/million-samples.txt" |
            fold -s -w 110
        echo
        if command -v sqlite3 >/dev/null; then
            # The summary's link counts (CrawlStore.linkCounts) on the finished state, in the sqlite3 shell with
            # the crawl's cache size, beside a plain count of the same rows: what its GROUP BY's sorter costs.
            local rss_group rss_count plan
            rss_group=$( { /usr/bin/time -f %M sqlite3 "$out.state" "PRAGMA cache_size=-8000; SELECT state, is_seed, count(*) FROM urls WHERE found = 1 GROUP BY state, is_seed" >/dev/null; } 2>&1 | tail -1)
            rss_count=$( { /usr/bin/time -f %M sqlite3 "$out.state" "PRAGMA cache_size=-8000; SELECT count(*) FROM urls WHERE found = 1" >/dev/null; } 2>&1 | tail -1)
            plan=$(sqlite3 "$out.state" "EXPLAIN QUERY PLAN SELECT state, is_seed, count(*) FROM urls WHERE found = 1 GROUP BY state, is_seed" | grep -o 'TEMP B-TREE[A-Z -]*' || echo "no temporary b-tree")
            echo "Where the peak above the steady RSS comes from: it is reached after the last record, when the summary's"
            echo "link counts are read (CrawlStore.linkCounts: a GROUP BY over every URL in the state; query plan: $plan)."
            echo "The same query in the sqlite3 shell on this state file, with the crawl's 8 MB cache: peak RSS"
            echo "$(awk -v g="$rss_group" -v c="$rss_count" 'BEGIN {printf "%.1f MB, against %.1f MB for a plain count(*) of the same rows: %.1f MB for its sorter", g / 1024, c / 1024, (g - c) / 1024}')."
        fi
        echo
        echo "Summary printed by scrape:"
        echo
        echo '```'
        grep -v '^$' "$work/million-stderr.txt" | tail -8
        echo '```'
    } > "$work/section-memory.md"
}

header="Crawl benchmark $date ($part): scrape $("$scrape" --version 2>/dev/null | head -1)."
case "$part" in
    site) site; result="Benchmarks/results/crawl-$date.md"; sections=(site) ;;
    memory) memory; result="Benchmarks/results/crawl-memory-$date.md"; sections=(memory) ;;
    all) site; memory; result="Benchmarks/results/crawl-$date.md"; sections=(site memory) ;;
esac
{
    echo "$header"
    for section in "${sections[@]}"; do echo; cat "$work/section-$section.md"; done
} | tee "$result"
