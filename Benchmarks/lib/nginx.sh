# Shared by the benchmark scripts: an nginx of our own on 127.0.0.1 (1 worker, own config,
# pid file and temp paths under WORK, no access log), stopped when the script exits.
#
# start_nginx WORK PORT 'SERVER BLOCKS' ['MAIN-CONTEXT LINES' ['HTTP-CONTEXT LINES']]
# Waits until http://127.0.0.1:PORT/ answers (any status).
start_nginx() {
    local work=$1 port=$2 servers=$3 main=${4:-} http=${5:-}
    mkdir -p "$work/tmp"
    cat > "$work/nginx.conf" <<NGINX
$main
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type text/html;
    keepalive_requests 1000000;
    client_body_temp_path $work/tmp;
    proxy_temp_path $work/tmp;
    fastcgi_temp_path $work/tmp;
    uwsgi_temp_path $work/tmp;
    scgi_temp_path $work/tmp;
    $http
    $servers
}
NGINX
    nginx -c "$work/nginx.conf" -p "$work"
    # shellcheck disable=SC2064  # expand $work now
    trap "kill \$(cat '$work/nginx.pid') 2>/dev/null || true" EXIT
    for _ in $(seq 50); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
        sleep 0.1
    done
    echo "nginx did not start on port $port (see $work/error.log)" >&2
    return 1
}
