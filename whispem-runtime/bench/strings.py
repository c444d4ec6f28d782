# CPython 3.11 here does not concatenate in place (s = s + piece was
# quadratic), so this uses the idiomatic list + join, like Lua's table.concat.


def main():
    parts = []
    i = 0
    while i < 1000000:
        parts.append("item" + str(i) + ",")
        i = i + 1
    s = "".join(parts)
    print(len(s))
    print(s[0:30])


main()
