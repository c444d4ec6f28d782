/*
 * Replays corrupted bytecode through wvm's fuzzing entry point, in-process:
 * for every input file, every truncation (each prefix) and, at every byte
 * offset, several bit flips.  wvm is built with -DWVM_FUZZ here, so programs
 * that still verify run quietly with a step limit and no file system.
 *
 * The property checked is the one of SPEC D9: loading never crashes, hangs,
 * leaks or hits undefined behaviour (run it under ASan/UBSan to see that).
 * Every proper prefix of a valid file must be rejected by the loader.
 *
 * usage: wvm-mutants FILE.whbc...     (prints one summary line)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    static const uint8_t masks[] = {0x01, 0x10, 0x80, 0xFF};
    unsigned long runs = 0;
    for (int i = 1; i < argc; i++) {
        size_t len;
        uint8_t *data = slurp(argv[i], &len);
        if (!data) {
            fprintf(stderr, "wvm-mutants: cannot read %s\n", argv[i]);
            return 2;
        }
        uint8_t *copy = malloc(len ? len : 1);
        for (size_t cut = 0; cut < len; cut++) {
            /* a fresh allocation of exactly `cut` bytes lets ASan see overreads */
            uint8_t *prefix = malloc(cut ? cut : 1);
            memcpy(prefix, data, cut);
            LLVMFuzzerTestOneInput(prefix, cut);
            free(prefix);
            runs++;
        }
        memcpy(copy, data, len);
        for (size_t off = 0; off < len; off++) {
            for (size_t m = 0; m < sizeof masks; m++) {
                copy[off] ^= masks[m];
                LLVMFuzzerTestOneInput(copy, len);
                copy[off] ^= masks[m];
                runs++;
            }
        }
        free(copy);
        free(data);
    }
    printf("%lu mutants of %d files\n", runs, argc - 1);
    return 0;
}
