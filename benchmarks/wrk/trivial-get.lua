-- wrk script: the trivial reference route of the same server.
request = function()
    return wrk.format("GET", "/api/health")
end

dofile(os.getenv("MUSTER_BENCH_DIR") .. "/report.lua")
