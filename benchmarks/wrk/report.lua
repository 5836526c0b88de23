-- Shared wrk report: one machine-readable line with requests/s, p50, p99 and non-2xx answers.
local non2xx = 0
local statuses = {}

response = function(status, headers, body)
    if status < 200 or status > 299 then non2xx = non2xx + 1 end
    if status == 200 and body and string.find(body, '"status":"SUCCESS"', 1, true) == nil
        and string.find(body, '"status":"UP"', 1, true) == nil then
        non2xx = non2xx + 1
    end
end

done = function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d failed_answers=%d\n",
        summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
        non2xx))
end
