#!/usr/bin/env bash
# make bench-fleet: fleet mode against one-shot scrape, on PostgreSQL 15 and nginx from Debian.
#
# 1. Scaling: SLOW_URLS (20,000) pages that each take 100 ms (nginx echo_sleep) on 16 origins
#    (127.0.2.1-16), worked by 1, 2 and 4 `scrape frontier work` processes at --concurrency 50
#    each: pages/s and the ratio to one worker (target: 4 workers >= 3.5x one).
# 2. Overhead: FAST_URLS (200,000) small static pages on the same origins, 2 workers at 50
#    against one-shot `scrape` at 100 (the same total): pages/s, worker CPU ms per URL,
#    PostgreSQL CPU ms per URL (the postmaster and all its children), and transactions per
#    URL (pg_stat_database: every frontier statement is one round trip in its own
#    transaction) (target: fleet pages/s >= 0.7x one-shot's on this 2-core machine).
#
# Each measurement gets a fresh database in one throwaway cluster (fsync on, as in
# production). Rounds alternate the contenders; tables show medians. Every run's records
# are counted (exactly one per URL).
#
# FLEET_NETNS=1 (root): each worker, and the one-shot run, in a network namespace of its own,
# reaching nginx and PostgreSQL over a veth pair and a bridge (10.211.0.0/24; the origins are
# 10.211.0.101-116), so nothing relies on the processes sharing a loopback interface.
#
# BASELINE=OTHER_SCRAPE_BINARY: the fast case's 2 workers with that binary too (another
# version of scrape, its own fresh database), alternated with the others in every round: a
# before/after row measured under the same load.
#
# Usage: bench.sh SCRAPE_BINARY   (env: SLOW_URLS FAST_URLS ROUNDS=3 PORT=18090 FLEET_NETNS=0 BASELINE)
set -euo pipefail
cd "$(dirname "$0")/../.."
scrape=$(realpath "${1:?usage: bench.sh SCRAPE_BINARY}")
baseline=${BASELINE:+$(realpath "$BASELINE")}
slow_urls=${SLOW_URLS:-20000}
fast_urls=${FAST_URLS:-200000}
rounds=${ROUNDS:-3}
port=${PORT:-18090}
work=$(realpath -m Benchmarks/work/fleet)
pgdir=/tmp/scrape-pg-bench-$$
netns=${FLEET_NETNS:-0}
net=10.211.0
bridge=scrbr$$
# origin N (1-16): a loopback address, or one on the bridge the namespaces reach
origin() { if [ "$netns" = 1 ]; then echo "$net.$((100 + $1))"; else echo "127.0.2.$1"; fi; }
# ns_of N: sets ns to the command prefix that runs a command in worker N's namespace (or none)
ns_of() { if [ "$netns" = 1 ]; then ns=(ip netns exec "scrw$$-$1"); else ns=(); fi; }
remove_netns() {
    for w in 1 2 3 4; do ip netns del "scrw$$-$w" 2>/dev/null || true; done
    ip link del "$bridge" 2>/dev/null || true
}
if [ "$netns" = 1 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "FLEET_NETNS=1 needs root (ip netns)" >&2; exit 1; }
    ip link add "$bridge" type bridge
    ip addr add "$net.1/24" dev "$bridge"
    for i in $(seq 1 16); do ip addr add "$(origin "$i")/32" dev "$bridge"; done
    ip link set "$bridge" up
    for w in 1 2 3 4; do
        ip netns add "scrw$$-$w"
        ip link add "scrv$$$w" type veth peer name eth0 netns "scrw$$-$w"
        ip link set "scrv$$$w" master "$bridge" up
        ip -n "scrw$$-$w" addr add "$net.$((10 + w))/24" dev eth0
        ip -n "scrw$$-$w" link set eth0 up
        ip -n "scrw$$-$w" link set lo up
    done
fi

rm -rf "$work" && mkdir -p "$work/www" && chmod -R 755 "$work"
python3 - "$work" "$port" "$slow_urls" "$fast_urls" $(for i in $(seq 1 16); do origin "$i"; done) <<'PY'
import sys, random
work, port, slow, fast = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
origins = sys.argv[5:]
random.seed(7)
for i in range(200):
    size = random.randint(512, 4096)
    open(f"{work}/www/p{i}.html", "w").write((f"<!doctype html><title>page {i}</title>" + "x" * size)[:size])
with open(f"{work}/slow.txt", "w") as f:
    for i in range(slow): f.write(f"http://{origins[i % 16]}:{port}/slow/{i}\n")
with open(f"{work}/fast.txt", "w") as f:
    for i in range(fast): f.write(f"http://{origins[i % 16]}:{port}/p{i % 200}.html?n={i}\n")
PY

. Benchmarks/lib/nginx.sh
listens=$(for i in $(seq 1 16); do printf 'listen %s:%d backlog=4096; ' "$(origin "$i")" "$port"; done)
start_nginx "$work" "$port" "server {
        listen 127.0.0.1:$port; $listens
        root $work/www;
        location /slow/ { echo_sleep 0.1; echo '<!doctype html><title>slow</title>'; }
    }" "load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;"
stop_all() {
    kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    scripts/pg-cluster.sh stop "$pgdir" || true
    remove_netns
}
trap stop_all EXIT
if [ "$netns" = 1 ]; then
    server=$(PG_FSYNC=on PG_LISTEN=$net.1 PG_ALLOW=$net.0/24 scripts/pg-cluster.sh start "$pgdir")
else
    server=$(PG_FSYNC=on scripts/pg-cluster.sh start "$pgdir")
fi
server=${server%/postgres}
postmaster=$(head -1 "$pgdir/data/postmaster.pid")

# the database URL as the workers reach it
worker_db() { if [ "$netns" = 1 ]; then echo "${1/127.0.0.1/$net.1}"; else echo "$1"; fi; }
fresh_db() { # prints the URL of a new database
    local name="bench_$(date +%s%N)"
    scripts/pg-cluster.sh createdb "$pgdir" "$name"
    echo "$server/$name?sslmode=disable"
}
# CPU seconds of PostgreSQL: the postmaster, its exited children (backends) and its live ones.
pg_cpu() { python3 Benchmarks/fleet/pg_cpu.py "$postmaster"; }
transactions() { psql "$1" -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"; }
recorded() { "${3:-$scrape}" frontier status --db "$1" --job "$2" --json | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; print(j["done"])'; }
# The job's fleet-wide per-host concurrency, 32 x 16 origins = 512, stays above the 4
# workers' 200 slots plus the URLs they claim ahead: politeness is not what is measured.
prepare() { # DB JOB LIST [BINARY]: init and add (not timed)
    "${4:-$scrape}" frontier init --db "$1" >/dev/null
    "${4:-$scrape}" frontier add --db "$1" --job "$2" --ignore-robots --per-host-concurrency 32 "$3" >/dev/null
}
# N workers at concurrency 50 until the job is done; prints "wall worker_cpu pg_cpu transactions".
run_workers() { # DB JOB N [BINARY]
    local db=$1 job=$2 n=$3 bin=${4:-$scrape} pids=() cpu0 tx0 start end
    rm -f "$work"/worker*.time "$work"/worker*.err  # a run with fewer workers must not read the last one's
    cpu0=$(pg_cpu); tx0=$(transactions "$db"); start=$(date +%s.%N)
    for w in $(seq "$n"); do
        ns_of "$w"
        /usr/bin/time -f "%U %S" -o "$work/worker$w.time" "${ns[@]}" "$bin" frontier work --db "$(worker_db "$db")" --job "$job" \
            --concurrency 50 --until-empty --quiet --worker-id "w$w" 2>"$work/worker$w.err" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || { cat "$work"/worker*.err >&2; return 1; }; done
    end=$(date +%s.%N)
    sleep 1  # let the backends' statistics reach pg_stat_database
    local worker_cpu
    worker_cpu=$(cat "$work"/worker*.time | awk '{s += $1 + $2} END {print s}')
    echo "$(echo "$end - $start" | bc) $worker_cpu $(echo "$(pg_cpu) - $cpu0" | bc) $(( $(transactions "$db") - tx0 ))"
}

declare -A slow fast
load_start=$(cut -d" " -f1-3 /proc/loadavg)  # the machine is shared: say how loaded it was
for round in $(seq "$rounds"); do
    for n in 1 2 4; do
        db=$(fresh_db); prepare "$db" slow "$work/slow.txt"
        line=$(run_workers "$db" slow "$n")
        done_count=$(recorded "$db" slow)
        [ "$done_count" -eq "$slow_urls" ] || { echo "slow, $n workers: $done_count records for $slow_urls URLs" >&2; exit 1; }
        slow[$n]+="$line;"
        echo "round $round slow $n workers: $line (wall worker_cpu pg_cpu transactions)" >&2
    done
    ns_of 1
    /usr/bin/time -f "%e %U %S" -o "$work/oneshot.time" "${ns[@]}" "$scrape" "$work/fast.txt" -o "$work/oneshot.jsonl" --quiet \
        --concurrency 100 --per-host-concurrency 32 --ignore-robots
    lines=$(wc -l < "$work/oneshot.jsonl")
    [ "$lines" -eq "$fast_urls" ] || { echo "one-shot: $lines records for $fast_urls URLs" >&2; exit 1; }
    fast[oneshot]+="$(awk '{print $1, $2 + $3, 0, 0}' "$work/oneshot.time");"
    echo "round $round fast one-shot: $(cat "$work/oneshot.time")" >&2
    db=$(fresh_db)
    add_start=$(date +%s.%N); prepare "$db" fast "$work/fast.txt"; add_wall=$(echo "$(date +%s.%N) - $add_start" | bc)
    line=$(run_workers "$db" fast 2)
    done_count=$(recorded "$db" fast)
    [ "$done_count" -eq "$fast_urls" ] || { echo "fast, 2 workers: $done_count records for $fast_urls URLs" >&2; exit 1; }
    fast[fleet]+="$line;"
    fast[add]+="$add_wall;"
    echo "round $round fast 2 workers: $line (add took $add_wall s)" >&2
    if [ -n "$baseline" ]; then
        db=$(fresh_db)
        add_start=$(date +%s.%N); prepare "$db" fast "$work/fast.txt" "$baseline"; add_wall=$(echo "$(date +%s.%N) - $add_start" | bc)
        line=$(run_workers "$db" fast 2 "$baseline")
        done_count=$(recorded "$db" fast "$baseline")
        [ "$done_count" -eq "$fast_urls" ] || { echo "fast, 2 baseline workers: $done_count records for $fast_urls URLs" >&2; exit 1; }
        fast[baseline]+="$line;"
        fast[baseline_add]+="$add_wall;"
        echo "round $round fast 2 baseline workers: $line (add took $add_wall s)" >&2
    fi
done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { IFS=';' read -ra samples <<<"$1"; printf '%s\n' "${samples[@]}" | awk -v k="$2" '{print $k}' | median; }
date=$(date -u +%Y-%m-%d)
machine="$(nproc) cores, $(uname -m), PostgreSQL $(psql --version | awk '{print $3}'), nginx $(nginx -v 2>&1 | cut -d/ -f2)"
{
    if [ "$netns" = 1 ]; then
        echo "Fleet mode: \`scrape frontier work\` processes, each in a network namespace of its own (veth to a bridge), on one PostgreSQL (fsync on), nginx on 16 origins on the bridge."
    else
        echo "Fleet mode: \`scrape frontier work\` processes on one PostgreSQL (fsync on), nginx on 16 loopback origins."
    fi
    echo "Median of $rounds rounds, $date, $machine; load average (1, 5, 15 min) $load_start at the start, $(cut -d" " -f1-3 /proc/loadavg) at the end."
    echo
    echo "$slow_urls pages of 100 ms each, 50 fetches in flight per worker:"
    echo
    echo "| workers | wall s | pages/s | vs 1 worker |"
    echo "|---:|---:|---:|---:|"
    one=$(field "${slow[1]}" 1)
    for n in 1 2 4; do
        wall=$(field "${slow[$n]}" 1)
        awk -v n="$n" -v w="$wall" -v one="$one" -v q="$slow_urls" 'BEGIN { printf "| %d | %.2f | %.0f | %.2fx |\n", n, w, q / w, one / w }'
    done
    echo
    echo "$fast_urls small static pages: one-shot \`scrape\` at concurrency 100 against 2 workers at 50:"
    echo
    echo "| run | wall s | pages/s | vs one-shot | client CPU ms/URL | PostgreSQL CPU ms/URL | transactions/URL |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    ow=$(field "${fast[oneshot]}" 1); oc=$(field "${fast[oneshot]}" 2)
    awk -v w="$ow" -v c="$oc" -v q="$fast_urls" 'BEGIN { printf "| one-shot scrape | %.2f | %.0f | 1.00x | %.3f | - | - |\n", w, q / w, 1000 * c / q }'
    fw=$(field "${fast[fleet]}" 1); fc=$(field "${fast[fleet]}" 2); fp=$(field "${fast[fleet]}" 3); ft=$(field "${fast[fleet]}" 4)
    awk -v w="$fw" -v c="$fc" -v p="$fp" -v t="$ft" -v ow="$ow" -v q="$fast_urls" \
        'BEGIN { printf "| 2 frontier workers | %.2f | %.0f | %.2fx | %.3f | %.3f | %.3f |\n", w, q / w, ow / w, 1000 * c / q, 1000 * p / q, t / q }'
    if [ -n "$baseline" ]; then
        bw=$(field "${fast[baseline]}" 1); bc_=$(field "${fast[baseline]}" 2); bp=$(field "${fast[baseline]}" 3); bt=$(field "${fast[baseline]}" 4)
        awk -v w="$bw" -v c="$bc_" -v p="$bp" -v t="$bt" -v ow="$ow" -v q="$fast_urls" \
            'BEGIN { printf "| 2 frontier workers, BASELINE | %.2f | %.0f | %.2fx | %.3f | %.3f | %.3f |\n", w, q / w, ow / w, 1000 * c / q, 1000 * p / q, t / q }'
    fi
    echo
    echo "Enqueueing the $fast_urls URLs (\`scrape frontier add\`, not in the times above): $(field "${fast[add]}" 1) s."
    [ -z "$baseline" ] || echo "BASELINE: $baseline (its \`add\`: $(field "${fast[baseline_add]}" 1) s)."
} | tee "Benchmarks/results/fleet-$date$([ "$netns" = 1 ] && echo -netns).md"
