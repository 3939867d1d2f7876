-- wrk script: each request places the order of a different accepted quote, with its own
-- Idempotency-Key. Quote ids come from the file named by QUOTES, split between wrk's threads;
-- the bearer token from TOKEN. A thread that runs out of quotes stops.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(os.getenv("QUOTES")) do
    if #line > 0 then table.insert(all, line) end
  end
  local total = tonumber(os.getenv("THREADS") or "2")
  mine = {}
  for i = index, #all, total do table.insert(mine, all[i]) end
  next_quote = 1
  token = os.getenv("TOKEN")
end

function request()
  local id = mine[next_quote]
  if id == nil then
    wrk.thread:stop()
    id = mine[#mine]
  end
  next_quote = next_quote + 1
  local body = '{"quote_id":"' .. id .. '","payment_method":"invoice"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "bench-" .. id,
  }
  return wrk.format("POST", "/api/v1/orders", headers, body)
end
