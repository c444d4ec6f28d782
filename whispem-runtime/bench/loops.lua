local total = 0
local i = 0
while i < 3000 do
  local j = 0
  while j < 1000 do
    total = total + math.fmod(i * j, 7)
    j = j + 1
  end
  i = i + 1
end
print(string.format("%d", total))
