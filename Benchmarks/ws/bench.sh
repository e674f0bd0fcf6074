#!/usr/bin/env bash
# make bench-ws: scrape ws against a Python websockets client on the same stream.
#
# A local server (server.py) writes COUNT pre-built small JSON text frames as fast as the
# socket allows. Each client records them all as JSON Lines to a file. Contenders
# alternate, ROUNDS rounds; the table shows medians of messages/s, CPU seconds (user+sys),
# CPU microseconds per message and peak RSS. Then scrape alone at 100,000 and at COUNT
# messages, to show its RSS does not grow with the stream.
set -euo pipefail

scrape=$1
python=${PYTHON:-Benchmarks/.venv/bin/python}
count=${WS_COUNT:-1000000}
rounds=${ROUNDS:-3}
work=Benchmarks/work/ws
mkdir -p "$work"
rm -f "$work"/port

"$python" Benchmarks/ws/server.py "$work/port" "$count" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.1; done
url="ws://127.0.0.1:$(cat "$work/port")/"

# measure NAME COUNT COMMAND...: appends "NAME seconds cpu rss_kb" to results after checking the line count.
measure() {
    local name=$1 expected=$2
    shift 2
    rm -f "$work/out.jsonl"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    local lines
    lines=$(wc -l < "$work/out.jsonl")
    [ "$lines" -eq "$expected" ] || { echo "bench-ws: $name wrote $lines lines, expected $expected" >&2; exit 1; }
    read -r wall user sys rss < "$work/time"
    echo "$name $wall $(echo "$user + $sys" | bc -l) $rss" >> "$work/results"
}

rm -f "$work/results"
for round in $(seq 1 "$rounds"); do
    measure scrape "$count" "$scrape" ws "$url" -o "$work/out.jsonl" --max-messages "$count" --quiet
    measure python "$count" "$python" Benchmarks/ws/python_client.py "$url" "$work/out.jsonl" "$count"
done
measure scrape-100k 100000 "$scrape" ws "$url" -o "$work/out.jsonl" --max-messages 100000 --quiet
measure scrape-100k 100000 "$scrape" ws "$url" -o "$work/out.jsonl" --max-messages 100000 --quiet
measure scrape-100k 100000 "$scrape" ws "$url" -o "$work/out.jsonl" --max-messages 100000 --quiet

python3 - "$work/results" "$count" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, cpu, rss = line.split()
    rows.setdefault(name, []).append((float(wall), float(cpu), int(rss)))
count = int(sys.argv[2])
print(f"{count:,} small JSON text messages over one loopback WebSocket, written as JSON Lines (medians of {len(rows['scrape'])})")
print()
print("| client | messages/s | CPU s | CPU µs/message | peak RSS |")
print("|---|---:|---:|---:|---:|")
for name in ("scrape", "python"):
    wall = statistics.median(r[0] for r in rows[name])
    cpu = statistics.median(r[1] for r in rows[name])
    rss = statistics.median(r[2] for r in rows[name])
    label = "scrape ws" if name == "scrape" else "Python websockets 13 + json"
    print(f"| {label} | {count / wall:,.0f} | {cpu:.2f} | {cpu / count * 1e6:.2f} | {rss / 1024:.1f} MB |")
s_wall = statistics.median(r[0] for r in rows["scrape"]); p_wall = statistics.median(r[0] for r in rows["python"])
s_cpu = statistics.median(r[1] for r in rows["scrape"]); p_cpu = statistics.median(r[1] for r in rows["python"])
print()
print(f"scrape ws: {p_wall / s_wall:.1f}x the messages/s at {s_cpu / p_cpu:.3f}x the CPU per message")
small = statistics.median(r[2] for r in rows["scrape-100k"]); big = statistics.median(r[2] for r in rows["scrape"])
print(f"scrape ws peak RSS: {small / 1024:.1f} MB at 100,000 messages, {big / 1024:.1f} MB at {count:,}")
PY
