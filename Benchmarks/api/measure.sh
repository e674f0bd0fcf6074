#!/usr/bin/env bash
# make bench-api: one `scrape api` job of 10,000 records over 100 pages (json_link), served as
# static files by nginx on 127.0.0.1; prints records/s and peak RSS (median of 3 runs) and
# checks every record arrived once, byte for byte; then the scheduler's cases at 20 ms a
# request (see the second part below).
# Usage: measure.sh SCRAPE_BINARY   (env: PORT=18082 PAGES=100 PER_PAGE=100)
set -euo pipefail
cd "$(dirname "$0")/../.."
scrape=$(realpath "${1:?usage: measure.sh SCRAPE_BINARY}")
port=${PORT:-18082}
pages=${PAGES:-100}
per_page=${PER_PAGE:-100}
work=$(realpath -m Benchmarks/work/api)
rm -rf "$work" && mkdir -p "$work/www" "$work/tmp" && chmod -R 755 "$work"
python3 - "$work" "$pages" "$per_page" <<'PY'
import json, sys
work, pages, per_page = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
expected = []
for p in range(1, pages + 1):
    items = []
    for i in range((p - 1) * per_page, p * per_page):
        record = ('{"id": %d, "big": %d, "price": 1.10000000000000000001, "name": "item %d \\u00fc", '
                  '"tags": ["a", "b"], "updated_at": "2024-01-01T00:00:00Z"}' % (i, 9007199254740993 + 2 * i, i))
        items.append(record)
        expected.append(record.replace(": ", ":").replace(", ", ","))
    nxt = '"p%d.json"' % (p + 1) if p < pages else "null"
    open(f"{work}/www/p{p}.json", "w").write('{"items": [\n  ' + ",\n  ".join(items) + '\n], "next": ' + nxt + "}\n")
open(f"{work}/expected.jsonl", "w").write("\n".join(expected) + "\n")
PY
. Benchmarks/lib/nginx.sh
cat > "$work/api.yaml" <<YAML
jobs:
  - name: bench
    api:
      base_url: http://127.0.0.1:$port/
      path: p1.json
      data_selector: items
      paginator: {type: json_link, next_url_path: next}
    output: $work/out.jsonl
YAML
start_nginx "$work" "$port" "server { listen 127.0.0.1:$port; root $work/www; default_type application/json; }"
walls=() rss=()
for run in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$scrape" api "$work/api.yaml" --job bench --quiet
    read -r wall kb < "$work/time.txt"
    walls+=("$wall") rss+=("$kb")
    cmp -s "$work/out.jsonl" "$work/expected.jsonl" || { echo "output differs from the expected records" >&2; exit 1; }
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
records=$((pages * per_page))
wall=$(median "${walls[@]}")
echo "| job | records | pages | wall s | records/s | peak RSS MB | output |"
echo "|---|---:|---:|---:|---:|---:|---|"
awk -v r="$records" -v p="$pages" -v w="$wall" -v m="$(median "${rss[@]}")" \
    'BEGIN { printf "| json_link over nginx | %d | %d | %.3f | %.0f | %.1f | identical to the expected bytes |\n", r, p, w, r / w, m / 1024 }'

# The scheduler's cases, against nginx answering every request after 20 ms (echo_sleep):
# 100 users x 10 orders pages, walked one request at a time and at concurrency 16
# (target: at least 10x faster), and one 10,000-page walk whose total is known after the
# first page, at concurrency 32 (target: within 1.2x of 10,000 x 20 ms / 32 = 6.25 s).
kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
slow="$work/slow" slow_port=$((port + 1))
mkdir -p "$slow/www" && chmod -R 755 "$slow"
python3 -c '
import json, sys
print(json.dumps({"users": [{"id": i, "name": "user %d" % i} for i in range(1, 101)]}))' > "$slow/www/users.json"
start_nginx "$slow" "$slow_port" "server {
        listen 127.0.0.1:$slow_port backlog=4096;
        root $slow/www;
        default_type application/json;
        location ~ ^/users/([0-9]+)/orders\$ { echo_sleep 0.02; echo '{\"orders\": [{\"user\": \$1, \"page\": \$arg_page, \"n\": 1}, {\"user\": \$1, \"page\": \$arg_page, \"n\": 2}], \"total_pages\": 10}'; }
        location = /items { echo_sleep 0.02; echo '{\"items\": [{\"page\": \$arg_page}], \"total_pages\": 10000}'; }
    }" "load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;"
children() { # CONCURRENCY: wall seconds of users -> orders (1,001 requests)
    cat > "$slow/children.yaml" <<YAML
http: {concurrency: $1, per_host_concurrency: $1}
jobs:
  - name: users
    api: {base_url: "http://127.0.0.1:$slow_port/", path: users.json, data_selector: users}
    output: $slow/users.jsonl
  - name: orders
    api:
      base_url: "http://127.0.0.1:$slow_port/"
      path: "users/{user_id}/orders"
      resolve: {user_id: {job: users, field: id}}
      data_selector: orders
      paginator: {type: page_number, total_path: total_pages}
    output: $slow/orders.jsonl
YAML
    /usr/bin/time -f "%e" -o "$slow/time.txt" "$scrape" api "$slow/children.yaml" --job orders --quiet
    [ "$(wc -l < "$slow/orders.jsonl")" = 2000 ] || { echo "expected 2,000 orders" >&2; exit 1; }
    cat "$slow/time.txt"
}
known_total() { # wall seconds of the 10,000-page walk at concurrency 32
    cat > "$slow/total.yaml" <<YAML
http: {concurrency: 32, per_host_concurrency: 32}
jobs:
  - name: items
    api:
      base_url: "http://127.0.0.1:$slow_port/"
      path: items
      data_selector: items
      paginator: {type: page_number, total_path: total_pages}
    output: $slow/items.jsonl
YAML
    /usr/bin/time -f "%e" -o "$slow/time.txt" "$scrape" api "$slow/total.yaml" --job items --quiet
    python3 -c '
import json, sys
pages = [json.loads(line)["page"] for line in open(sys.argv[1])]
sys.exit(0 if pages == list(range(1, 10001)) else "items not in page order")' "$slow/items.jsonl"
    cat "$slow/time.txt"
}
sequential=() concurrent=() total=()
for run in 1 2 3; do
    sequential+=("$(children 1)") concurrent+=("$(children 16)") total+=("$(known_total)")
done
echo
echo "| walk (20 ms per request) | requests | wall s | target |"
echo "|---|---:|---:|---|"
awk -v s="$(median "${sequential[@]}")" -v c="$(median "${concurrent[@]}")" -v t="$(median "${total[@]}")" 'BEGIN {
    printf "| users -> orders, one at a time | 1001 | %.2f | - |\n", s
    printf "| users -> orders, concurrency 16 | 1001 | %.2f | %.1fx faster (target >= 10x) |\n", c, s / c
    printf "| known total, 10,000 pages, concurrency 32 | 10000 | %.2f | %.2fx ideal 6.25 s (target <= 1.2x) |\n", t, t / 6.25
}'
