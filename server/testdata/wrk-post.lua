-- wrk script of TestWrk (wrk_test.go): POSTs the JSON body in
-- PASSCROW_WRK_BODY to the path in PASSCROW_WRK_PATH. If the body holds
-- @ID@, each request puts the next number of a sequence there, as 32 hex
-- digits: thread k of PASSCROW_WRK_THREADS sends 1+k, 1+k+n, 1+k+2n, ...,
-- so every request can name an escrow of its own.
wrk.method = "POST"
wrk.path = os.getenv("PASSCROW_WRK_PATH")
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("PASSCROW_WRK_BODY")

local at = string.find(wrk.body, "@ID@", 1, true)
if at then
  local pre, post = string.sub(wrk.body, 1, at - 1), string.sub(wrk.body, at + 4)
  local stride = tonumber(os.getenv("PASSCROW_WRK_THREADS"))
  local n

  function init(args)
    n = 1 + first -- first: set by setup in the main state
  end

  function request()
    local id = string.format("%032x", n)
    n = n + stride
    return wrk.format(nil, nil, nil, pre .. id .. post)
  end
end

local threads = 0

function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end
