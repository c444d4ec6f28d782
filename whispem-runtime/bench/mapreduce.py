from functools import reduce


def main():
    xs = [float(i) for i in range(0, 1000000)]
    total = 0.0
    rnd = 0
    while rnd < 4:
        doubled = list(map(lambda x: x * 2 + rnd, xs))
        picked = list(filter(lambda x: x % 3 == 0, doubled))
        total = total + reduce(lambda acc, x: acc + x, picked, 0)
        rnd = rnd + 1
    print(int(total))


main()
