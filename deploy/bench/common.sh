# Shell functions shared by deploy/bench/run, deploy/bench/read-api and
# deploy/fault-injection/run; sourced, not run.

# free_port: a loopback TCP port nothing listens on, below the ephemeral range.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 12000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# bench_run_id: exactly four random letters or digits for BENCH_RUN. Fewer
# would make callbacks.lua's receipt numbers shorter than the ten characters
# the validator demands, and every success would be answered 400.
bench_run_id() {
    local id=""
    while [ "${#id}" -ne 4 ]; do
        id=$(head -c 256 /dev/urandom | tr -dc 'A-Z0-9' | head -c 4)
    done
    echo "$id"
}
