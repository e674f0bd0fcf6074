# Shared by the benchmark scripts: a tinyproxy of our own on 127.0.0.1 (own config and log
# under WORK), stopped with the nginx of lib/nginx.sh when the script exits. Source after
# start_nginx: it replaces that function's exit trap with one that stops both.
#
# start_tinyproxy WORK PORT    sets tinyproxy_pid; waits until the port accepts.
start_tinyproxy() {
    local work=$1 port=$2
    cat > "$work/tinyproxy.conf" <<CONF
Port $port
Listen 127.0.0.1
Timeout 30
MaxClients 512
LogLevel Error
LogFile "$work/tinyproxy.log"
CONF
    tinyproxy -d -c "$work/tinyproxy.conf" & tinyproxy_pid=$!
    # shellcheck disable=SC2064  # expand $work and the pid now
    trap "kill $tinyproxy_pid 2>/dev/null || true; kill \$(cat '$work/nginx.pid') 2>/dev/null || true" EXIT
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0; sleep 0.05; done
    echo "tinyproxy did not start on port $port (see $work/tinyproxy.log)" >&2
    return 1
}
