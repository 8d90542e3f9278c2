-- Reads stdin: numbers, then lines; writes a summary, and an error ends the program.
local a, b = io.read("n", "n")
print("numbers", a, b, a + b, math.type(a), math.type(b))
io.read("l")
local lines = {}
for line in io.lines() do lines[#lines + 1] = line end
print(#lines, lines[1], lines[#lines])
table.sort(lines)
print(table.concat(lines, "|"))
error("stopped on purpose")
