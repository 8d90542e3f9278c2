-- Integers and floats: division, modulo, overflow, conversions, math library, formatting.
print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 % -3, 7.5 // 2, -7.5 % 2, 2^10, 10 / 4)
print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger, -math.mininteger)
print(math.maxinteger * 2, math.mininteger // -1, math.ult(1, -1), 1 << 63, 1 << 64, -1 >> 1)
print(0xff & 0x0f, 0xf0 | 0x0f, 5 ~ 3, ~0, 3.0 == 3, math.type(3), math.type(3.0), math.type("3"))
print(math.tointeger(3.0), math.tointeger(3.5), 3 | 0, pcall(function() return 3.5 | 0 end))
print(1e15, 1e16, 2^53, 2^63, -0.0, 100000000000000, 0.1 + 0.2, 1/3)
print(string.format("%.17g %.17g %.0f %.20f", 0.1, 1/3, 2^62, 0.1))
print(math.floor(-3.5), math.ceil(-3.5), math.floor(3.7), math.abs(math.mininteger), math.abs(-2.5))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3.5), pcall(math.fmod, 1, 0))
print(math.max(3, 7.5, -1), math.min(3, 7.5, -1), math.huge, -math.huge, math.pi)
print(string.format("%.10f %.10f %.10f %.10f", math.sqrt(2), math.exp(1), math.log(10), math.log(8, 2)))
print(string.format("%.12f %.12f %.12f %.12f", math.sin(1), math.cos(1), math.tan(1), math.atan(1, 2)))
print(math.modf(3.7), math.modf(-3.7), math.modf(5), math.modf(math.huge))
print(8 // 0.0, -8 // 0.0, pcall(function() return 1 // 0 end), 0/0 ~= 0/0)
print(tostring(2^31), 2^31 | 0, "10" + 5, "3.0" + 1, "0x10" * 1, 10 .. 20)
print(tonumber("9223372036854775807"), tonumber("9223372036854775808"), math.tointeger("8"))
print(string.format("%d %5.1f %e %g", 3, 2.25, 1234.5, 2^-1074))
-- Deterministic pseudo-randomness: a seeded generator gives the same numbers everywhere.
math.randomseed(42)
local r = {}
for i = 1, 5 do r[i] = math.random(1, 1000) end
print(table.concat(r, " "), math.random(0) ~= nil)
-- A small numerical workload: primes, a float sum, integer hashing.
local sieve, primes = {}, 0
for i = 2, 30000 do
  if not sieve[i] then
    primes = primes + 1
    for j = i * i, 30000, i do sieve[j] = true end
  end
end
local h, x = 0, 0.0
for i = 1, 100000 do
  h = (h * 31 + i) & 0xffffffff
  x = x + 1 / (i * i)
end
print(primes, h, string.format("%.15f", x), math.abs(x - math.pi ^ 2 / 6) < 1e-4)
