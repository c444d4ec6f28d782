-- Lua strings are immutable; the idiomatic builder is a table + concat.
local parts = {}
local i = 0
while i < 1000000 do
  parts[#parts + 1] = "item" .. i .. ","
  i = i + 1
end
local s = table.concat(parts)
print(#s)
print(string.sub(s, 1, 30))
