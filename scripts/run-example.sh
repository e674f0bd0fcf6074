#!/usr/bin/env bash
# `make run`: serves Examples/site on 127.0.0.1:8765, scrapes Examples/urls.txt with BINARY, then
# crawls the site from its home page with two fields.
# The server is started and stopped here; nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:?usage: run-example.sh BINARY}
port=8765

python3 -m http.server --bind 127.0.0.1 --directory Examples/site "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
"$binary" Examples/urls.txt --concurrency 4
echo "--- scrape crawl http://127.0.0.1:$port/index.html --field 'h1=h1' --field 'links[]=a::url(href)'" >&2
"$binary" crawl "http://127.0.0.1:$port/index.html" --field 'h1=h1' --field 'links[]=a::url(href)' --concurrency 4
