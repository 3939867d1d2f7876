-- wrk script: every request a different public search, drawn from 1,974 distinct queries
-- (47 prefectures x 3 languages x 2 Flex settings x 10 texts, of which the formula below reaches
-- 1,974 combinations), so that caches of per-query
-- results see the misses a real mix of visitors causes. The argument after `--` picks what is asked:
--   (none)   the JSON API (/api/v1/partners)
--   html     the search page (/partners) in Japanese (Accept-Language: ja)
--   html-en  the search page in English (Accept-Language: en)
--   all      JSON, the Japanese page and the English page in turn
local texts = {"", "", "", "", "tokyo", "%E6%9D%B1%E4%BA%AC", "%E3%82%BD%E3%83%AA%E3%83%A5",
  "osaka", "cad", "%E5%A4%A7%E9%98%AA"}
local languages = {"", "ja", "en"}
local counter = 0
local kinds = {{"/api/v1/partners?", "ja"}}
local all_kinds = {{"/api/v1/partners?", "ja"}, {"/partners?", "ja"}, {"/partners?", "en"}}

init = function(args)
  if args[1] == "html" then kinds = {{"/partners?", "ja"}} end
  if args[1] == "html-en" then kinds = {{"/partners?", "en"}} end
  if args[1] == "all" then kinds = all_kinds end
end

request = function()
  counter = counter + 1
  local n = counter * 7919
  local region = string.format("JP-%02d", n % 47 + 1)
  local language = languages[math.floor(n / 47) % 3 + 1]
  local flex = (math.floor(n / 141) % 2 == 0) and "true" or "false"
  local text = texts[math.floor(n / 282) % 10 + 1]
  local kind = kinds[counter % #kinds + 1]
  local path = kind[1] .. "region=" .. region .. "&flex=" .. flex
  if language ~= "" then path = path .. "&language=" .. language end
  if text ~= "" then path = path .. "&q=" .. text end
  return wrk.format("GET", path, {["Accept-Language"] = kind[2]})
end
