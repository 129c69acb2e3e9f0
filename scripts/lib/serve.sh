# Starting and stopping a test server, shared by scripts/dev.sh (browser tests) and
# scripts/screens.sh (screenshots). Sourced; the caller defines `die`.

SERVER_PID=""
stop_server() { [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true; }

# start_server BIN ARGS...: `BIN serve --addr 127.0.0.1:PORT ARGS...` in the background on a
# free port (set in SERVER_PORT), stopped on exit; returns once it serves (else shows its log, fails).
start_server() {
    local bin="$1" log_file
    shift
    SERVER_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    log_file="$(mktemp)"
    "$bin" serve --addr "127.0.0.1:$SERVER_PORT" "$@" >"$log_file" 2>&1 &
    SERVER_PID=$!
    trap stop_server EXIT
    for _ in $(seq 1 100); do
        grep -q "serving" "$log_file" && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log_file"; die "the server did not start"; }
        sleep 0.1
    done
}
