-- wrk script: the trivial JSON POST route (parse a small JSON body, answer a small JSON), the reference.
local body = '{"provisionDeviceKey":"reference-key-000000","provisionDeviceSecret":"reference-secret-00000","deviceName":"reference-device-0000000000"}'

request = function()
    return wrk.format("POST", "/api/health", {["Content-Type"] = "application/json"}, body)
end

dofile(os.getenv("MUSTER_BENCH_DIR") .. "/report.lua")
