#!/usr/bin/env bash
# Where a fleet worker's URLs spend PostgreSQL's time (docs/frontier.md, "Where the time goes").
#
# FAST_URLS (100,000) small static pages on 16 loopback origins (nginx), worked by 2
# `scrape frontier work` processes at --concurrency 50, on one PostgreSQL 15 (fsync on) with
# pg_stat_statements tracking every statement, those inside the frontier's functions too.
# For each SCRAPE binary given (alternating, ROUNDS times, a fresh database each run) it
# prints the wall time, the CPU per URL (workers, PostgreSQL), the transactions per URL,
# then the statements by time per URL (microseconds: total time / URLs; inside functions
# too, so a function's own line includes its statements') and the functions by self time.
# A binary given as BINARY=SQLFILE runs SQLFILE in the job's database after `init` and
# `add` (an experiment on the schema or its functions, without a build).
# PERF=1: `perf record -g` on the first worker of each binary's first run
# (Benchmarks/work/fleet-profile/perf-N.data; `perf report -i ...`).
#
# Usage: profile.sh SCRAPE_BINARY[=SQLFILE]...   (env: FAST_URLS=100000 ROUNDS=1 PORT=18091 PERF=0 TOP=25)
set -euo pipefail
cd "$(dirname "$0")/../.."
binaries=()
for b in "$@"; do
    if [[ $b == *=* ]]; then binaries+=("$(realpath "${b%%=*}")=$(realpath "${b#*=}")"); else binaries+=("$(realpath "$b")"); fi
done
[ ${#binaries[@]} -gt 0 ] || { echo "usage: profile.sh SCRAPE_BINARY..." >&2; exit 2; }
fast_urls=${FAST_URLS:-100000}
rounds=${ROUNDS:-1}
port=${PORT:-18091}
top=${TOP:-25}
work=$(realpath -m Benchmarks/work/fleet-profile)
pgdir=/tmp/scrape-pg-profile-$$

rm -rf "$work" && mkdir -p "$work/www" && chmod -R 755 "$work"
python3 - "$work" "$port" "$fast_urls" <<'PY'
import sys, random
work, port, fast = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(7)
for i in range(200):
    size = random.randint(512, 4096)
    open(f"{work}/www/p{i}.html", "w").write((f"<!doctype html><title>page {i}</title>" + "x" * size)[:size])
with open(f"{work}/fast.txt", "w") as f:
    for i in range(fast): f.write(f"http://127.0.2.{i % 16 + 1}:{port}/p{i % 200}.html?n={i}\n")
PY

. Benchmarks/lib/nginx.sh
listens=$(for i in $(seq 1 16); do printf 'listen 127.0.2.%d:%d backlog=4096; ' "$i" "$port"; done)
start_nginx "$work" "$port" "server { listen 127.0.0.1:$port; $listens root $work/www; }"
stop_all() {
    kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    scripts/pg-cluster.sh stop "$pgdir" || true
}
trap stop_all EXIT
server=$(PG_FSYNC=on scripts/pg-cluster.sh start "$pgdir")
server=${server%/postgres}
admin="$server/postgres?sslmode=disable"
psql "$admin" -qc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" -c "ALTER SYSTEM SET track_functions = 'pl'"
scripts/pg-cluster.sh restart "$pgdir"
psql "$admin" -qc "ALTER SYSTEM SET pg_stat_statements.track = 'all'" -c "ALTER SYSTEM SET pg_stat_statements.max = 10000" -c "SELECT pg_reload_conf()" >/dev/null
postmaster=$(head -1 "$pgdir/data/postmaster.pid")

pg_cpu() { python3 Benchmarks/fleet/pg_cpu.py "$postmaster"; }

run=0
for round in $(seq "$rounds"); do
    for given in "${binaries[@]}"; do
        run=$((run + 1))
        scrape=${given%%=*}; sql=""
        [[ $given == *=* ]] && sql=${given#*=}
        name="profile_$(date +%s%N)"
        scripts/pg-cluster.sh createdb "$pgdir" "$name"
        db="$server/$name?sslmode=disable"
        "$scrape" frontier init --db "$db" >/dev/null
        "$scrape" frontier add --db "$db" --job fast --ignore-robots --per-host-concurrency 32 "$work/fast.txt" >/dev/null
        [ -z "$sql" ] || psql "$db" -v ON_ERROR_STOP=1 -qf "$sql" >/dev/null
        psql "$db" -qc "CREATE EXTENSION pg_stat_statements" -c "SELECT pg_stat_statements_reset()" -c "SELECT pg_stat_reset()" >/dev/null
        tx0=$(psql "$db" -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
        cpu0=$(pg_cpu); start=$(date +%s.%N); pids=()
        for w in 1 2; do
            prefix=()
            if [ "${PERF:-0}" = 1 ] && [ "$w" = 1 ] && [ "$round" = 1 ]; then prefix=(perf record -g -o "$work/perf-$run.data" --); fi
            /usr/bin/time -f "%U %S" -o "$work/worker$w.time" "${prefix[@]}" "$scrape" frontier work --db "$db" --job fast \
                --concurrency 50 --until-empty --quiet --worker-id "w$w" 2>"$work/worker$w.err" &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do wait "$pid" || { cat "$work"/worker*.err >&2; exit 1; }; done
        end=$(date +%s.%N); sleep 1
        cpu=$(echo "$(pg_cpu) - $cpu0" | bc)
        tx=$(( $(psql "$db" -Atc "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()") - tx0 ))
        wcpu=$(cat "$work"/worker*.time | awk '{s += $1 + $2} END {print s}')
        done_count=$("$scrape" frontier status --db "$db" --job fast --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["done"])')
        [ "$done_count" -eq "$fast_urls" ] || { echo "$scrape: $done_count records for $fast_urls URLs" >&2; exit 1; }
        echo "== run $run: $scrape${sql:+ with $sql} (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
        awk -v w="$(echo "$end - $start" | bc)" -v c="$wcpu" -v p="$cpu" -v t="$tx" -v q="$fast_urls" 'BEGIN {
            printf "wall %.2f s, %.0f pages/s; worker CPU %.3f ms/URL, PostgreSQL CPU %.3f ms/URL, %.3f transactions/URL\n",
                w, q / w, 1000 * c / q, 1000 * p / q, t / q }'
        echo "-- statements, us per URL (total exec time / URLs), calls per URL"
        psql "$db" -AtF ' | ' -c "
            SELECT to_char(total_exec_time * 1000 / $fast_urls, 'FM99990.0'), to_char(calls::float / $fast_urls, 'FM990.000'),
                   regexp_replace(left(query, 110), '\s+', ' ', 'g')
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time DESC LIMIT $top"
        echo "-- functions, us per URL: total | self"
        psql "$db" -AtF ' | ' -c "
            SELECT funcname, to_char(total_time * 1000 / $fast_urls, 'FM99990.0'), to_char(self_time * 1000 / $fast_urls, 'FM99990.0')
            FROM pg_stat_user_functions ORDER BY total_time DESC"
    done
done
