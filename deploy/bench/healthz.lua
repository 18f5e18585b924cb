-- wrk script for deploy/bench/run: the HTTP path alone (GET /healthz on
-- the daemon's admin listener), for the first ceiling. wrk runs from the
-- repository's root.
dofile("deploy/bench/report.lua")
