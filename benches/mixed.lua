-- wrk script: every request a different public search, drawn from about 2,800 distinct queries
-- (47 prefectures x 3 languages x 2 Flex settings x 10 texts), so that caches of per-query
-- results see the misses a real mix of visitors causes. `wrk … -s benches/mixed.lua URL -- html`
-- asks for the search page (/partners) instead of the JSON API.
local texts = {"", "", "", "", "tokyo", "%E6%9D%B1%E4%BA%AC", "%E3%82%BD%E3%83%AA%E3%83%A5",
  "osaka", "cad", "%E5%A4%A7%E9%98%AA"}
local languages = {"", "ja", "en"}
local counter = 0
local prefix = "/api/v1/partners?"

init = function(args)
  if args[1] == "html" then prefix = "/partners?" end
end

request = function()
  counter = counter + 1
  local n = counter * 7919
  local region = string.format("JP-%02d", n % 47 + 1)
  local language = languages[math.floor(n / 47) % 3 + 1]
  local flex = (math.floor(n / 141) % 2 == 0) and "true" or "false"
  local text = texts[math.floor(n / 282) % 10 + 1]
  local path = prefix .. "region=" .. region .. "&flex=" .. flex
  if language ~= "" then path = path .. "&language=" .. language end
  if text ~= "" then path = path .. "&q=" .. text end
  return wrk.format("GET", path)
end
