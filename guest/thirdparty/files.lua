-- Files on the host, in the working directory: write, append, read back several ways, seek,
-- rename, remove, errors; then the input file the test prepared, and the arguments.
local name = "lua-out.txt"
local f = assert(io.open(name, "w"))
for i = 1, 5 do f:write(string.format("line %d: %s\n", i, ("*"):rep(i))) end
f:write(3.5, " ", 42, "\n")
print(f:seek("cur"), f:seek("end"), io.type(f))
f:close()
print(io.type(f))
f = assert(io.open(name, "a")); f:write("appended\n"); f:close()
local n = 0
for line in io.lines(name) do n = n + 1; io.write("[", line, "]") end
print(n)
f = assert(io.open(name, "r"))
print(f:read("l"), f:read("n"), f:read("L"), f:read(5))
print(f:seek("set", 2), f:read(4), f:seek("cur"), f:seek("end"))
print(f:read("a") == "", f:read("l"), f:read(0))
f:close()
f = assert(io.open(name, "rb"))
local all = f:read("a")
f:close()
print(#all, select(2, all:gsub("\n", "")))
print(os.rename(name, "lua-renamed.txt"), io.open(name) == nil)
print(io.open("no-such-file.txt"))
print(io.open("lua-renamed.txt", "r"):read("l"))
print(os.remove("lua-renamed.txt"), os.remove("lua-renamed.txt"))
print(pcall(io.lines, "no-such-file.txt"))
-- Binary data survives a round trip.
local bytes = {}
for i = 0, 255 do bytes[#bytes + 1] = string.char(i) end
local blob = table.concat(bytes):rep(40)
f = assert(io.open("lua-blob.bin", "wb")); f:write(blob); f:close()
f = assert(io.open("lua-blob.bin", "rb"))
local back = f:read("a")
f:close()
print(#back, back == blob)
-- The input file: count words and sum the numbers in it.
local words, sum = 0, 0
for line in io.lines(arg[1]) do
  for w in line:gmatch("%S+") do
    words = words + 1
    sum = sum + (tonumber(w) or 0)
  end
end
print(arg[0], #arg, arg[1], words, sum)
-- Output via io.output to a file, then back to stdout.
io.output("lua-report.txt")
io.write("words ", words, "\nsum ", sum, "\n")
io.close()
io.output(io.stdout)
for l in io.lines("lua-report.txt") do print("report: " .. l) end
local tmp = os.tmpname()
print(type(tmp), os.remove(tmp) ~= nil)
print(os.getenv("POPCORNJ_REAL_TEST"), os.getenv("NO_SUCH_VARIABLE_HERE"))
io.stderr:write("to stderr\n")
os.exit(3)
