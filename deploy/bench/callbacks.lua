-- wrk script for deploy/bench/run: POSTs realistic, unique STK callbacks.
-- About 70% are successes with full metadata and 30% cancellations. Each
-- wrk thread numbers its own requests, so checkout request ids and receipt
-- numbers never repeat within a run; BENCH_RUN (4 letters or digits) keeps
-- runs apart. The callback path, token included, comes from BENCH_PATH.

local run = os.getenv("BENCH_RUN") or "B000"
-- A receipt is "B", the run and five digits: ten characters only if the run has four.
assert(#run == 4 and run:match("^[A-Z0-9]+$"), "BENCH_RUN must be 4 letters or digits")
local path = os.getenv("BENCH_PATH")
local threads = {}
local counter = 0

-- Runs in the main state; thread:set defines the global thread_id in each
-- thread's own state (a local of the same name would hide it).
function setup(thread)
    thread:set("thread_id", #threads + 1)
    table.insert(threads, thread)
end

local alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

local function base36(value, width)
    local digits = ""
    repeat
        local index = value % 36
        digits = alphabet:sub(index + 1, index + 1) .. digits
        value = math.floor(value / 36)
    until value == 0
    return string.rep("0", width - #digits) .. digits
end

local headers = { ["Content-Type"] = "application/json;charset=UTF-8" }

function request()
    counter = counter + 1
    -- Unique per thread and run: receipts are B, the run and n in base 36,
    -- exactly 10 characters while n < 36^5 (ten million per thread).
    local n = thread_id * 10000000 + counter
    local checkout = "ws_CO_" .. run .. "_" .. n
    local body
    if counter % 10 < 7 then
        local amount = string.format("%d.%02d", 1 + n % 5000, n % 100)
        body = '{"Body":{"stkCallback":{"MerchantRequestID":"29115-' .. n .. '-1",'
            .. '"CheckoutRequestID":"' .. checkout .. '","ResultCode":0,'
            .. '"ResultDesc":"The service request is processed successfully.",'
            .. '"CallbackMetadata":{"Item":[{"Name":"Amount","Value":' .. amount .. '},'
            .. '{"Name":"MpesaReceiptNumber","Value":"B' .. run .. base36(n, 5) .. '"},'
            .. '{"Name":"Balance"},{"Name":"TransactionDate","Value":20261203101500},'
            .. '{"Name":"PhoneNumber","Value":2547' .. string.format("%08d", n % 100000000)
            .. '}]}}}}'
    else
        body = '{"Body":{"stkCallback":{"MerchantRequestID":"29115-' .. n .. '-1",'
            .. '"CheckoutRequestID":"' .. checkout .. '","ResultCode":1032,'
            .. '"ResultDesc":"Request cancelled by user"}}}'
    end
    return wrk.format("POST", path, headers, body)
end

dofile("deploy/bench/report.lua")
