-- wrk script: re-sends of provisioning requests for devices that already exist (MUSTER_DEVICES of them,
-- named resend-0 … resend-(N-1)), each answered with the credentials already issued.
local key = os.getenv("MUSTER_KEY")
local secret = os.getenv("MUSTER_SECRET")
local devices = tonumber(os.getenv("MUSTER_DEVICES") or "1000")
local counter = 0

request = function()
    counter = counter + 1
    local body = string.format(
        '{"provisionDeviceKey":"%s","provisionDeviceSecret":"%s","deviceName":"resend-%d"}',
        key, secret, counter % devices)
    return wrk.format("POST", "/api/v1/provision", {["Content-Type"] = "application/json"}, body)
end

dofile(os.getenv("MUSTER_BENCH_DIR") .. "/report.lua")
