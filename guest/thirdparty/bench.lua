-- A CPU-bound Lua workload for scripts/bench-real: recursion, tables, strings, closures, floats.
-- usage: lua bench.lua [N]     (N scales the work; default 1)
local n = tonumber(arg[1]) or 1
local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
local check = 0
for _ = 1, n do
  check = check + fib(24)
  local t = {}
  for i = 1, 20000 do t[i] = (i * 7919) % 10007 end
  table.sort(t)
  check = check + t[100]
  local parts = {}
  for i = 1, 5000 do parts[#parts + 1] = string.format("%d:%x", i, i * i) end
  local s = table.concat(parts, ",")
  check = check + #s + select(2, s:gsub("%d+:", ""))
  local x = 0.0
  for i = 1, 50000 do x = x + math.sin(i) * math.sqrt(i) end
  check = check + math.floor(x)
end
print(n, check)
