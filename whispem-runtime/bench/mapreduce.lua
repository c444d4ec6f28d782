local function map(xs, f) local r = {} for i = 1, #xs do r[i] = f(xs[i]) end return r end
local function filter(xs, p) local r = {} for i = 1, #xs do if p(xs[i]) then r[#r + 1] = xs[i] end end return r end
local function reduce(xs, f, acc) for i = 1, #xs do acc = f(acc, xs[i]) end return acc end
local xs = {}
for i = 0, 999999 do xs[#xs + 1] = i + 0.0 end
local total = 0
local round = 0
while round < 4 do
  local doubled = map(xs, function(x) return x * 2 + round end)
  local picked = filter(doubled, function(x) return math.fmod(x, 3) == 0 end)
  total = total + reduce(picked, function(acc, x) return acc + x end, 0)
  round = round + 1
end
print(string.format("%d", total))
