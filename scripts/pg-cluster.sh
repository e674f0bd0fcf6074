#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1, for the tests and bench-fleet.
#
#   scripts/pg-cluster.sh start DIR [PORT]   initdb into DIR (made if missing), start it; prints
#                                            postgres://postgres:scrape@127.0.0.1:PORT/postgres
#   scripts/pg-cluster.sh stop DIR           stop it (fast) and remove DIR
#   scripts/pg-cluster.sh restart DIR        stop (immediate: as a crash) and start again, same port
#   scripts/pg-cluster.sh halt DIR           stop (fast) without removing DIR; `resume DIR` starts it again
#   scripts/pg-cluster.sh createdb DIR NAME  a new database NAME in it
#   scripts/pg-cluster.sh sweep PREFIX       stop clusters PREFIX-PID-* whose test process PID is gone
#                                            (left by a test run that crashed; make test runs it)
#
# PostgreSQL refuses to run as root, and CI runs as root: then the cluster belongs to the
# `postgres` user (made by Debian's package) and runs as it. Host connections need the
# password "scrape" (scram-sha-256), so the tests exercise password authentication;
# fsync is off (a test cluster, thrown away). Set PG_FSYNC=on for measurements, PG_SSL=on
# for TLS with a self-signed certificate made at start (DIR/server.crt), PG_LISTEN=ADDRESS
# and PG_ALLOW=CIDR to listen on one more address and take password logins from a network
# (bench-fleet's FLEET_NETNS=1: workers in network namespaces).
set -euo pipefail

bindir=/usr/lib/postgresql/15/bin
[ -x "$bindir/initdb" ] || { echo "pg-cluster: $bindir/initdb is missing: run make test (it installs postgresql-15)" >&2; exit 1; }

command=${1:?usage: pg-cluster.sh start|stop|restart|halt|resume|createdb|sweep DIR [PORT]}
dir=${2:?usage: pg-cluster.sh start|stop|restart|halt|resume|createdb|sweep DIR [PORT]}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((10000 + RANDOM % 22000))  # below the ephemeral range (32768-60999): no client socket holds it
        port_in_use "$port" || { echo "$port"; return; }
    done
    echo "pg-cluster: no free port found" >&2; exit 1
}

start_server() { # PORT: returns 1 when it could not start (the log says why)
    local port=$1 ssl=""
    [ -f "$dir/server.key" ] && ssl="-c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1${PG_LISTEN:+,$PG_LISTEN} -c port=$port -c unix_socket_directories=$dir -c fsync=${PG_FSYNC:-off} -c max_connections=200 $ssl" \
        start >/dev/null
}

case "$command" in
start)
    mkdir -p "$dir"
    chmod 0755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    echo scrape > "$dir/pwfile"
    if [ "${PG_SSL:-off}" = on ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
            -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1
        chmod 0600 "$dir/server.key"
        [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/server.key" "$dir/server.crt"
    fi
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    [ -z "${PG_ALLOW:-}" ] || echo "host all all $PG_ALLOW scram-sha-256" | as_owner tee -a "$dir/data/pg_hba.conf" >/dev/null
    # A port found free can be taken before the server binds it: try a few.
    for attempt in 1 2 3 4 5; do
        port=${3:-$(free_port)}
        echo "$port" > "$dir/port"
        start_server "$port" && break
        [ "$attempt" -eq 5 ] || [ -n "${3:-}" ] && { cat "$dir/server.log" >&2; exit 1; }
    done
    echo "postgres://postgres:scrape@127.0.0.1:$port/postgres"
    ;;
stop)
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
restart)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    start_server "$(cat "$dir/port")" || { cat "$dir/server.log" >&2; exit 1; }
    ;;
halt)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
resume)
    start_server "$(cat "$dir/port")" || { cat "$dir/server.log" >&2; exit 1; }
    ;;
sweep)
    for leftover in "$dir"-*; do
        [ -d "$leftover" ] || continue
        pid=${leftover#"$dir"-}; pid=${pid%%-*}
        kill -0 "$pid" 2>/dev/null && continue
        "$0" stop "$leftover"
    done
    ;;
createdb)
    as_owner "$bindir/createdb" -h "$dir" -p "$(cat "$dir/port")" -U postgres "${3:?usage: pg-cluster.sh createdb DIR NAME}"
    ;;
*)
    echo "pg-cluster: unknown command $command" >&2; exit 2
    ;;
esac
