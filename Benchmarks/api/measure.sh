#!/usr/bin/env bash
# make bench-api: one `scrape api` job of 10,000 records over 100 pages (json_link), served as
# static files by nginx on 127.0.0.1; prints records/s and peak RSS (median of 3 runs) and
# checks every record arrived once, byte for byte.
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
