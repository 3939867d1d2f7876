-- wrk script: each request places the order of a different accepted quote, with its own
-- Idempotency-Key. Lines of the file named by QUOTES ("quote-id bearer-token", the token of the
-- quote's partner's staff) are split between wrk's threads. A thread that runs out of quotes stops.
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
    local id, token = line:match("^(%S+) (%S+)$")
    if id then table.insert(all, {id = id, token = token}) end
  end
  local total = tonumber(os.getenv("THREADS") or "2")
  mine = {}
  for i = index, #all, total do table.insert(mine, all[i]) end
  next_quote = 1
end

function request()
  local quote = mine[next_quote]
  if quote == nil then
    wrk.thread:stop()
    quote = mine[#mine]
  end
  local id, token = quote.id, quote.token
  next_quote = next_quote + 1
  local body = '{"quote_id":"' .. id .. '","payment_method":"invoice"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "bench-" .. id,
  }
  return wrk.format("POST", "/api/v1/orders", headers, body)
end
