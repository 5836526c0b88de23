-- wrk script: provisioning requests for new devices (a unique name per request).
-- Environment: MUSTER_KEY, MUSTER_SECRET, MUSTER_RUN (a prefix that keeps names unique across runs).
local key = os.getenv("MUSTER_KEY")
local secret = os.getenv("MUSTER_SECRET")
local run = os.getenv("MUSTER_RUN") or tostring(os.time())
local counter = 0
local threads = {}

function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end

request = function()
    counter = counter + 1
    local body = string.format(
        '{"provisionDeviceKey":"%s","provisionDeviceSecret":"%s","deviceName":"bench-%s-%d-%d"}',
        key, secret, run, thread_id or 0, counter)
    return wrk.format("POST", "/api/v1/provision", {["Content-Type"] = "application/json"}, body)
end

dofile(os.getenv("MUSTER_BENCH_DIR") .. "/report.lua")
