-- Coroutines: generators, two-way transfer, wrap, status, errors, a producer/consumer pipeline.
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local acc = {}
for v in gen(5) do acc[#acc + 1] = v end
print(table.concat(acc, ","))
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", d + e
end)
print(coroutine.status(co), coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co), coroutine.resume(co))
local bad = coroutine.create(function() error("inside") end)
print(coroutine.resume(bad))
print(coroutine.isyieldable(), select(2, coroutine.running()), type(coroutine.running()))
-- Pipeline: producer -> filter -> consumer.
local function producer()
  return coroutine.create(function()
    for line in ("alpha\nbeta\ngamma\ndelta\n"):gmatch("[^\n]+") do coroutine.yield(line) end
  end)
end
local function filter(src)
  return coroutine.create(function()
    local n = 0
    while true do
      local _, line = coroutine.resume(src)
      if not line then return end
      n = n + 1
      coroutine.yield(string.format("%3d %s", n, line:upper()))
    end
  end)
end
local f = filter(producer())
while true do
  local _, line = coroutine.resume(f)
  if not line then break end
  print(line)
end
-- Permutations by recursive generators.
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local count, first = 0, nil
for p in coroutine.wrap(function() permgen({1, 2, 3, 4}) end) do
  count = count + 1
  if count <= 3 then io.write(table.concat(p), " ") end
end
print(count)
local wrapped = coroutine.wrap(function() coroutine.yield(1) end)
wrapped(); wrapped()
print(pcall(wrapped))
local closeable = coroutine.create(function() coroutine.yield() end)
coroutine.resume(closeable)
print(coroutine.close(closeable), coroutine.status(closeable))
