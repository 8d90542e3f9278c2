-- Tables, metatables, closures, varargs, errors and goto.
local t = {5, 3, 8, 1, 9, 2, 7}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))
table.insert(t, 1, 100); table.insert(t, 42); print(table.remove(t), table.remove(t, 1), #t)
print(table.unpack(table.move({1, 2, 3}, 1, 3, 2, {9})))
print(select("#", nil, nil), select(2, "a", "b", "c"), select(-1, "a", "b"))
local people = {{name = "ann", age = 31}, {name = "bob", age = 25}, {name = "cy", age = 31}}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name > b.name
end)
for i, p in ipairs(people) do io.write(i, "=", p.name, "/", p.age, " ") end
print()
-- Deterministic iteration over a hash part: sorted keys.
local counts = {}
for w in ("a b c a b a d e d a"):gmatch("%a") do counts[w] = (counts[w] or 0) + 1 end
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do io.write(k, counts[k], " ") end
print()
-- Closures and upvalues.
local function counter(step)
  local n = 0
  return function() n = n + step; return n end
end
local c1, c2 = counter(1), counter(10)
print(c1(), c1(), c2(), c1(), c2())
local fns = {}
for i = 1, 3 do fns[i] = function() return i * i end end
print(fns[1](), fns[2](), fns[3]())
local function memo(f)
  local cache = {}
  return function(n)
    local v = cache[n]
    if v == nil then v = f(n); cache[n] = v end
    return v
  end
end
local fib
fib = memo(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print(fib(80))
-- Metatables: a vector class with operators, __index and __newindex.
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
Vec.__add = function(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
Vec.__eq = function(a, b) return a.x == b.x and a.y == b.y end
Vec.__lt = function(a, b) return a:len2() < b:len2() end
Vec.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
Vec.__len = function() return 2 end
Vec.__call = function(v, k) return v.x * k end
function Vec:len2() return self.x * self.x + self.y * self.y end
local a, b = Vec.new(1, 2), Vec.new(3, 4)
print(tostring(a + b), a == Vec.new(1, 2), a < b, #a, a(10))
local log = {}
local proxy = setmetatable({}, {__index = function(_, k) return k .. "?" end,
  __newindex = function(tab, k, v) log[#log + 1] = k; rawset(tab, k, v) end})
proxy.x = 1
print(proxy.x, proxy.y, table.concat(log))
-- Varargs, pcall, error objects.
local function sum(...)
  local s = 0
  for _, v in ipairs({...}) do s = s + v end
  return s, select("#", ...)
end
print(sum(1, 2, 3, 4.5))
print(select(2, pcall(error, {code = 7})).code)
print(select(2, pcall(error, "msg", 0)), select(2, pcall(error, "msg")))
local ok, e = pcall(function() local x = nil; return x.field end)
print(ok, e)
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
print(pcall(string.rep))
-- goto and nested loops.
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto continue end
    io.write(i, j, " ")
    ::continue::
  end
end
print()
-- A bigger table: build, remove, count.
local big = {}
for i = 1, 10000 do big[i] = i * 2 end
for i = 10000, 1, -3 do table.remove(big, i) end
local total = 0
for _, v in ipairs(big) do total = total + v end
print(#big, total, next({}), rawlen({1, 2}), rawequal(big, big))
collectgarbage()
print(collectgarbage("count") > 0)
