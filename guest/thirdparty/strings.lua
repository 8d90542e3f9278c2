-- String handling: patterns, gsub with tables and functions, formatting, bytes, utf8, pack.
local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower():reverse())
print(s:find("fox"), s:find("o", 20, true), s:match("(%a+) dog$"))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w end
print(#words, table.concat(words, ","))
print((s:gsub("%w+", function(w) return #w > 4 and w:upper() or nil end)))
print(s:gsub("o", {o = "0"}))
print(("x"):rep(5, "-"), ("abc"):byte(1, -1))
print(string.char(72, 105, 33), ("%d|%5d|%-5d|%05.1f|%x|%X|%o"):format(42, 42, 42, 3.14159, 255, 255, 8))
print(string.format("%q", 'a "quoted"\n\0 string'))
print(string.format("%10.3s|%-10s|%s|%s", "abcdef", "left", true, nil))
print(string.format("%g %g %g %.3e %a", 1e20, 0.1, 100, 12345.678, 1.0))
print(string.format("%5.2f%%", 99.5), tostring(1/0), tostring(-1/0), tostring(0/0) == tostring(0/0))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häl€"), #utf8.char(128512))
for p, c in utf8.codes("aé€") do io.write(p, ":", c, " ") end
print()
local packed = string.pack("<i4 >i2 z d", -2, 513, "zs", 2.5)
print(#packed, string.unpack("<i4 >i2 z d", packed))
print(("%s=%s"):rep(2, ";"):format("a", 1, "b", 2))
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|", ("key = value"):match("^(%w+)%s*=%s*(%w+)$"))
print(("2024-01-15"):match("(%d+)-(%d+)-(%d+)"))
print(("hello world from lua"):gsub("(%w+) (%w+)", "%2 %1"))
print(("a,b,,c"):find(",,", 1, true), ("[test]"):find("[", 1, true), ("f(x)"):gsub("%(", "<"))
local parts = {}
for field in ("one;two;;four"):gmatch("([^;]*)") do parts[#parts + 1] = "<" .. field .. ">" end
print(table.concat(parts))
print(tostring(12):len(), tonumber("0x1F"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("abc"))
print(string.rep("ab", 3), ("abc"):sub(-2), ("abc"):sub(2, 10), ("abc"):sub(0))
print(("%s"):format(setmetatable({}, {__tostring = function() return "custom" end})))
