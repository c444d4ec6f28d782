local counts = {}
local n = 0
local i = 0
while i < 1000000 do
  local word = "w" .. string.format("%d", math.fmod(i * 7919, 5000))
  if counts[word] ~= nil then
    counts[word] = counts[word] + 1
  else
    counts[word] = 1
    n = n + 1
  end
  i = i + 1
end
print(n)
print(counts["w42"])
