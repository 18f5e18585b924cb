-- Shared by the wrk scripts of deploy/bench/run: one machine-readable line
-- with the figures the run script reads.
function done(summary, latency, requests)
    io.write(string.format(
        "BENCH requests=%d non2xx=%d errors=%d duration_us=%d p50_us=%d p99_us=%d\n",
        summary.requests, summary.errors.status,
        summary.errors.connect + summary.errors.read + summary.errors.write
            + summary.errors.timeout,
        summary.duration, latency:percentile(50), latency:percentile(99)))
end
