

def main():
    counts = {}
    i = 0
    while i < 1000000:
        word = "w" + str((i * 7919) % 5000)
        if word in counts:
            counts[word] = counts[word] + 1
        else:
            counts[word] = 1
        i = i + 1
    print(len(sorted(counts.keys())))
    print(counts["w42"])


main()
