/*
 * wvm — the standalone Whispem 6 virtual machine.
 *
 * Runs `.whbc` bytecode (format version 4) exactly as specified in SPEC.md
 * (§12 file format, §13 instruction set, §14 VM semantics, §16 decisions).
 *
 *   wvm FILE.whbc [ARGS...]     run a program; ARGS become args()
 *   wvm --dump FILE.whbc        disassemble (SPEC §15.10 format)
 *   wvm                         REPL (needs the self-hosted compiler wsc.whbc)
 *
 * The file reads like a book, from the bottom up:
 *   1. configuration and limits
 *   2. value representation
 *   3. memory and reference counting
 *   4. strings, arrays, dicts, cells and closures
 *   5. number formatting and the printed form of values
 *   6. bytecode loading and verification
 *   7. the virtual machine: frames, errors, calls
 *   8. the dispatch loop
 *   9. builtins (9b: the kv_* extension)
 *  10. disassembler
 *  11. REPL, main and the fuzzing entry point
 *
 * Design in one paragraph: bytecode names variables by string (§14), but the
 * loader interns every name into a program-wide id and gives each chunk a
 * small table of local slots, so LOAD/STORE become array indexing while the
 * dynamic lookup order of §14.2 (open cell, then local, then global) is kept
 * exactly.  Instructions are pre-decoded into fixed-size records whose
 * operands were verified once at load time; the loop then trusts them.
 * Arrays, dicts and strings are reference counted and copied on write, which
 * gives the value semantics of §7.11 without copying on every assignment.
 * Runtime errors and program exit leave through one longjmp to the runner,
 * which tears the VM down so that nothing leaks even on error paths.
 *
 * C11, libc and libm only.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* ======================================================================
 * 1. Configuration and limits
 *
 * The fuzzing build uses much smaller limits so that one input can never
 * need more than a few hundred megabytes or run for more than a moment.
 * ====================================================================== */

#ifdef WVM_FUZZ
#define MAX_CALL_DEPTH 1000
#define STACK_SLOTS ((size_t)1 << 14)
#define MAX_STR_BYTES ((size_t)1 << 14)
#define MAX_ARRAY_LEN ((size_t)1 << 12)
#define MAX_CALLBACK_NESTING 100
#ifndef WVM_STEP_LIMIT
#define WVM_STEP_LIMIT 40000
#endif
#else
/* SPEC §14.7: at least 100 000 nested calls; frames live on the heap. */
#define MAX_CALL_DEPTH 200000
/* SPEC §14.7: at least 1 000 000 value-stack slots. */
#define STACK_SLOTS ((size_t)1 << 20)
#define MAX_STR_BYTES ((size_t)1 << 31)
#define MAX_ARRAY_LEN ((size_t)1 << 28)
/* map/filter/reduce callbacks recurse on the C stack (§14.5 asks >= 1000). */
#define MAX_CALLBACK_NESTING 2000
#endif

/* Printing recurses into nested arrays/dicts; deeper values print as [...]. */
#define MAX_PRINT_DEPTH 2000

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define PRINTF_LIKE(f, a)
#endif

/* ======================================================================
 * 2. Value representation
 *
 * A Value is a 16-byte tagged union.  Numbers, bools and none live inline;
 * strings, arrays, dicts and functions are reference-counted heap objects
 * that all start with an Obj header.  T_UNDEF never escapes to programs: it
 * marks an unassigned local or global slot.
 * ====================================================================== */

typedef enum {
    T_UNDEF, T_NONE, T_BOOL, T_NUM, /* inline values */
    T_STR, T_ARR, T_DICT, T_FN      /* heap values (>= T_STR) */
} Type;

typedef struct Obj { uint32_t rc; } Obj;
typedef struct Str Str;
typedef struct Array Array;
typedef struct Dict Dict;
typedef struct Closure Closure;

typedef struct Value {
    Type type;
    union {
        bool b;
        double n;
        Obj *obj;
        Str *s;
        Array *a;
        Dict *d;
        Closure *fn;
    } as;
} Value;

struct Str {
    Obj hdr;
    uint32_t hash;   /* 0 = not computed yet */
    size_t len;      /* bytes */
    size_t nchars;   /* code points, cached because length/char_at need it */
    size_t cap;      /* bytes available in data, for in-place appends */
    char data[];     /* NUL-terminated for the convenience of libc calls */
};

struct Array {
    Obj hdr;
    size_t len, cap;
    Value *items;
};

typedef struct DictEntry { Str *key; Value val; } DictEntry;

/* Open addressing, power-of-two capacity.  The language has no way to remove
 * a key, so there are no tombstones. */
struct Dict {
    Obj hdr;
    size_t count, cap;
    DictEntry *entries;
};

/* A cell holds a captured variable (§14.6).  All cells are linked into the
 * VM's list so that teardown can break reference cycles (a closure stored in
 * the very variable it captures). */
typedef struct Cell {
    Obj hdr;
    Value v;
    struct Cell *prev, *next;
} Cell;

struct Chunk;
struct Closure {
    Obj hdr;
    struct Chunk *chunk;
    uint32_t ncells;
    Cell *cells[];
};

static inline Value v_none(void) { Value v; v.type = T_NONE; v.as.n = 0; return v; }
static inline Value v_undef(void) { Value v; v.type = T_UNDEF; v.as.n = 0; return v; }
static inline Value v_bool(bool b) { Value v; v.type = T_BOOL; v.as.n = 0; v.as.b = b; return v; }
static inline Value v_num(double n) { Value v; v.type = T_NUM; v.as.n = n; return v; }
static inline Value v_str(Str *s) { Value v; v.type = T_STR; v.as.s = s; return v; }
static inline Value v_arr(Array *a) { Value v; v.type = T_ARR; v.as.a = a; return v; }
static inline Value v_dict(Dict *d) { Value v; v.type = T_DICT; v.as.d = d; return v; }
static inline Value v_fn(Closure *f) { Value v; v.type = T_FN; v.as.fn = f; return v; }

static const char *type_name(Value v)
{
    switch (v.type) {
    case T_NUM: return "number";
    case T_STR: return "string";
    case T_BOOL: return "bool";
    case T_ARR: return "array";
    case T_DICT: return "dict";
    case T_FN: return "function";
    default: return "none";
    }
}

/* §1: false, 0, -0, "", [], {} and none are falsy; NaN is truthy. */
static inline bool truthy(Value v)
{
    switch (v.type) {
    case T_BOOL: return v.as.b;
    case T_NUM: return v.as.n != 0;
    case T_STR: return v.as.s->len != 0;
    case T_ARR: return v.as.a->len != 0;
    case T_DICT: return v.as.d->count != 0;
    case T_FN: return true;
    default: return false;
    }
}

/* ======================================================================
 * 3. Memory and reference counting
 * ====================================================================== */

static void out_of_memory(void)
{
    fflush(stdout);
    fputs("wvm: Error: Out of memory\n", stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

static inline void v_retain(Value v)
{
    if (v.type >= T_STR) v.as.obj->rc++;
}

static void obj_destroy(Value v);

static inline void v_release(Value v)
{
    if (v.type >= T_STR && --v.as.obj->rc == 0) obj_destroy(v);
}

/* Cells are not Values, but closures and open-cell tables hold them. */
static void cell_release(Cell *c);

/* Destruction is iterative: a 100 000-deep nested array must not overflow
 * the C stack.  Children whose count drops to zero go on a work list. */
typedef struct FreeList { Value *items; size_t len, cap; } FreeList;
static FreeList free_list;

static void free_list_push(Value v)
{
    if (free_list.len == free_list.cap) {
        free_list.cap = free_list.cap ? free_list.cap * 2 : 64;
        free_list.items = xrealloc(free_list.items, free_list.cap * sizeof(Value));
    }
    free_list.items[free_list.len++] = v;
}

/* The work list is kept between destructions (no malloc per release) and
 * given back when a program is unloaded. */
static void free_list_reset(void)
{
    free(free_list.items);
    free_list.items = NULL;
    free_list.len = free_list.cap = 0;
}

static inline void child_release(Value v)
{
    if (v.type >= T_STR && --v.as.obj->rc == 0) free_list_push(v);
}

static void obj_destroy(Value v)
{
    size_t base = free_list.len;
    free_list_push(v);
    while (free_list.len > base) {
        Value cur = free_list.items[--free_list.len];
        switch (cur.type) {
        case T_STR:
            free(cur.as.s);
            break;
        case T_ARR: {
            Array *a = cur.as.a;
            for (size_t i = 0; i < a->len; i++) child_release(a->items[i]);
            free(a->items);
            free(a);
            break;
        }
        case T_DICT: {
            Dict *d = cur.as.d;
            for (size_t i = 0; i < d->cap; i++) {
                if (d->entries[i].key) {
                    child_release(v_str(d->entries[i].key));
                    child_release(d->entries[i].val);
                }
            }
            free(d->entries);
            free(d);
            break;
        }
        case T_FN: {
            Closure *f = cur.as.fn;
            for (uint32_t i = 0; i < f->ncells; i++) cell_release(f->cells[i]);
            free(f);
            break;
        }
        default:
            break;
        }
    }
}

/* ======================================================================
 * 4. Strings, arrays, dicts, cells and closures
 * ====================================================================== */

/* ---- growable byte buffer, used to build printed forms ---- */

typedef struct Buf { char *data; size_t len, cap; } Buf;

static void buf_reserve(Buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + extra + 1) cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
}

static void buf_put(Buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

static void buf_puts(Buf *b, const char *s) { buf_put(b, s, strlen(s)); }
static void buf_putc(Buf *b, char c) { buf_put(b, &c, 1); }

/* ---- UTF-8 ---- */

/* Strict validation as Rust's str::from_utf8: no overlongs, no surrogates,
 * nothing above U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
        else return false;
        if (n - i <= need) return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
        if (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
        i += need + 1;
    }
    return true;
}

/* Counting non-continuation bytes is exact for valid UTF-8 and still gives
 * a consistent answer for the odd invalid string (input lines, args). */
static size_t utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) count += ((uint8_t)s[i] & 0xC0) != 0x80;
    return count;
}

/* Byte offset of code point number `index` (index <= nchars). */
static size_t utf8_offset(const Str *s, size_t index)
{
    if (s->nchars == s->len) return index; /* ASCII fast path */
    size_t i = 0, seen = 0;
    while (i < s->len) {
        if (((uint8_t)s->data[i] & 0xC0) != 0x80) {
            if (seen == index) return i;
            seen++;
        }
        i++;
    }
    return s->len;
}

static uint32_t utf8_decode(const char *p, size_t n, size_t *used)
{
    uint8_t c = (uint8_t)p[0];
    size_t need = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    uint32_t cp = need == 0 ? c : need == 1 ? (c & 0x1Fu) : need == 2 ? (c & 0x0Fu) : (c & 0x07u);
    if (need >= n) need = n - 1;
    for (size_t k = 1; k <= need; k++) cp = (cp << 6) | ((uint8_t)p[k] & 0x3Fu);
    *used = need + 1;
    return cp;
}

/* ---- strings ---- */

static Str *str_alloc(size_t len)
{
    Str *s = xmalloc(sizeof(Str) + len + 1);
    s->hdr.rc = 1;
    s->hash = 0;
    s->len = len;
    s->cap = len;
    s->nchars = 0;
    s->data[len] = 0;
    return s;
}

static Str *str_new(const char *data, size_t len)
{
    Str *s = str_alloc(len);
    memcpy(s->data, data, len);
    s->nchars = utf8_count(data, len);
    return s;
}

static Str *str_from_cstr(const char *cstr) { return str_new(cstr, strlen(cstr)); }

static Str *str_from_buf(const Buf *b) { return str_new(b->data ? b->data : "", b->len); }

/* FNV-1a; cached in the string so dict keys and names hash once. */
static uint32_t str_hash(Str *s)
{
    if (s->hash) return s->hash;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s->len; i++) h = (h ^ (uint8_t)s->data[i]) * 16777619u;
    s->hash = h ? h : 1;
    return s->hash;
}

static inline bool str_eq(Str *a, Str *b)
{
    return a == b || (a->len == b->len && str_hash(a) == str_hash(b) &&
                      memcmp(a->data, b->data, a->len) == 0);
}

/* Byte order of UTF-8 equals code point order (§7.4, §8.2). */
static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c) return c;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

static int str_cmp(const Str *a, const Str *b) { return bytes_cmp(a->data, a->len, b->data, b->len); }

/* Appends to a string nobody else references (rc == 1), growing
 * geometrically; this makes `let s = s + x` loops linear.  Returns the
 * possibly moved string. */
static Str *str_append_owned(Str *s, const char *data, size_t n)
{
    if (s->len + n > s->cap) {
        size_t cap = s->cap < 16 ? 32 : s->cap * 2;
        while (cap < s->len + n) cap *= 2;
        s = xrealloc(s, sizeof(Str) + cap + 1);
        s->cap = cap;
    }
    memcpy(s->data + s->len, data, n);
    s->len += n;
    s->data[s->len] = 0;
    s->nchars += utf8_count(data, n);
    s->hash = 0;
    return s;
}

/* ---- arrays ---- */

static Array *array_new(size_t cap)
{
    Array *a = xmalloc(sizeof(Array));
    a->hdr.rc = 1;
    a->len = 0;
    a->cap = cap;
    a->items = cap ? xmalloc(cap * sizeof(Value)) : NULL;
    return a;
}

/* Takes ownership of v. */
static void array_push_owned(Array *a, Value v)
{
    if (a->len == a->cap) {
        a->cap = a->cap < 8 ? 8 : a->cap * 2;
        a->items = xrealloc(a->items, a->cap * sizeof(Value));
    }
    a->items[a->len++] = v;
}

static Array *array_copy(const Array *src, size_t extra)
{
    Array *a = array_new(src->len + extra);
    for (size_t i = 0; i < src->len; i++) {
        v_retain(src->items[i]);
        a->items[i] = src->items[i];
    }
    a->len = src->len;
    return a;
}

/* Copy on write: returns an array that may be modified, consuming the
 * caller's reference.  If the caller held the only reference, that is the
 * same array. */
static Array *array_unshare(Array *a, size_t extra)
{
    if (a->hdr.rc == 1) return a;
    Array *copy = array_copy(a, extra);
    a->hdr.rc--; /* cannot reach zero: rc was > 1 */
    return copy;
}

/* ---- dicts ---- */

static Dict *dict_new(size_t cap_hint)
{
    size_t cap = 8;
    while (cap * 3 < cap_hint * 4) cap *= 2;
    Dict *d = xmalloc(sizeof(Dict));
    d->hdr.rc = 1;
    d->count = 0;
    d->cap = cap;
    d->entries = xcalloc(cap, sizeof(DictEntry));
    return d;
}

static DictEntry *dict_slot(const Dict *d, Str *key)
{
    size_t mask = d->cap - 1;
    size_t i = str_hash(key) & mask;
    for (;;) {
        DictEntry *e = &d->entries[i];
        if (!e->key || str_eq(e->key, key)) return e;
        i = (i + 1) & mask;
    }
}

static Value *dict_get(const Dict *d, Str *key)
{
    DictEntry *e = dict_slot(d, key);
    return e->key ? &e->val : NULL;
}

static void dict_grow(Dict *d)
{
    DictEntry *old = d->entries;
    size_t old_cap = d->cap;
    d->cap *= 2;
    d->entries = xcalloc(d->cap, sizeof(DictEntry));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key) *dict_slot(d, old[i].key) = old[i];
    free(old);
}

/* Inserts or replaces; retains key, takes ownership of val. */
static void dict_set(Dict *d, Str *key, Value val)
{
    if ((d->count + 1) * 4 > d->cap * 3) dict_grow(d);
    DictEntry *e = dict_slot(d, key);
    if (e->key) {
        v_release(e->val);
        e->val = val;
        return;
    }
    key->hdr.rc++;
    e->key = key;
    e->val = val;
    d->count++;
}

static Dict *dict_copy(const Dict *src)
{
    Dict *d = xmalloc(sizeof(Dict));
    d->hdr.rc = 1;
    d->count = src->count;
    d->cap = src->cap;
    d->entries = xmalloc(src->cap * sizeof(DictEntry));
    memcpy(d->entries, src->entries, src->cap * sizeof(DictEntry));
    for (size_t i = 0; i < d->cap; i++) {
        if (d->entries[i].key) {
            d->entries[i].key->hdr.rc++;
            v_retain(d->entries[i].val);
        }
    }
    return d;
}

static Dict *dict_unshare(Dict *d)
{
    if (d->hdr.rc == 1) return d;
    Dict *copy = dict_copy(d);
    d->hdr.rc--;
    return copy;
}

static int str_ptr_cmp(const void *a, const void *b)
{
    return str_cmp(*(Str *const *)a, *(Str *const *)b);
}

/* Keys in code point order (keys(), values()).  Caller frees the array. */
static Str **dict_sorted_keys(const Dict *d)
{
    Str **keys = xmalloc((d->count ? d->count : 1) * sizeof(Str *));
    size_t n = 0;
    for (size_t i = 0; i < d->cap; i++)
        if (d->entries[i].key) keys[n++] = d->entries[i].key;
    qsort(keys, n, sizeof(Str *), str_ptr_cmp);
    return keys;
}

/* ---- cells and closures ---- */

static Cell cell_list_head; /* sentinel of the list of live cells */

static Cell *cell_new(Value v)
{
    Cell *c = xmalloc(sizeof(Cell));
    c->hdr.rc = 1;
    c->v = v;
    if (!cell_list_head.next) cell_list_head.next = cell_list_head.prev = &cell_list_head;
    c->next = cell_list_head.next;
    c->prev = &cell_list_head;
    cell_list_head.next->prev = c;
    cell_list_head.next = c;
    return c;
}

static void cell_release(Cell *c)
{
    if (--c->hdr.rc) return;
    c->prev->next = c->next;
    c->next->prev = c->prev;
    Value v = c->v;
    free(c);
    v_release(v);
}

/* Cycles can only pass through cells (everything else is immutable once
 * shared), so emptying every live cell frees every cycle. */
static void cells_break_cycles(void)
{
    if (!cell_list_head.next) return;
    for (Cell *c = cell_list_head.next; c != &cell_list_head; c = c->next) c->hdr.rc++;
    for (Cell *c = cell_list_head.next; c != &cell_list_head; c = c->next) {
        Value v = c->v;
        c->v = v_none();
        v_release(v);
    }
    while (cell_list_head.next != &cell_list_head) {
        Cell *c = cell_list_head.next;
        c->hdr.rc = 1;
        cell_release(c);
    }
}

static Closure *closure_new(struct Chunk *chunk, uint32_t ncells)
{
    Closure *f = xmalloc(sizeof(Closure) + ncells * sizeof(Cell *));
    f->hdr.rc = 1;
    f->chunk = chunk;
    f->ncells = 0; /* filled in by the caller, cell by cell */
    return f;
}

/* ======================================================================
 * 5. Number formatting and the printed form of values (§8)
 * ====================================================================== */

/* int(x) of §9: truncation toward zero, saturating to i64, NaN -> 0. */
static int64_t num_to_i64(double x)
{
    if (x != x) return 0;
    if (x >= 9223372036854775807.0) return INT64_MAX;
    if (x <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)x;
}

/* usize(x) of §7.8: NaN and negatives -> 0, saturating to 2^64 - 1. */
static uint64_t num_to_index(double x)
{
    if (!(x > 0)) return 0;
    if (x >= 18446744073709551615.0) return UINT64_MAX;
    return (uint64_t)x;
}

/* Shortest round-trip digits in plain notation (§8.1 rule 3).  Trying the
 * precisions in increasing order finds the shortest correctly rounded digit
 * string that reads back as x; it is then re-rendered without exponent. */
static size_t fmt_shortest(double x, char *out)
{
    char tmp[40];
    for (int p = 0; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p, x);
        if (strtod(tmp, NULL) == x) break;
    }
    char digits[24];
    size_t nd = 0;
    const char *t = tmp;
    bool neg = false;
    if (*t == '-') { neg = true; t++; }
    for (; *t && *t != 'e'; t++)
        if (*t >= '0' && *t <= '9') digits[nd++] = *t;
    int exp10 = atoi(t + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    char *o = out;
    if (neg) *o++ = '-';
    if (exp10 >= 0) {
        size_t int_digits = (size_t)exp10 + 1;
        for (size_t i = 0; i < int_digits; i++) *o++ = i < nd ? digits[i] : '0';
        if (nd > int_digits) {
            *o++ = '.';
            for (size_t i = int_digits; i < nd; i++) *o++ = digits[i];
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -exp10 - 1; i++) *o++ = '0';
        for (size_t i = 0; i < nd; i++) *o++ = digits[i];
    }
    *o = 0;
    return (size_t)(o - out);
}

static size_t fmt_i64(int64_t v, char *out)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    size_t k = 0;
    if (v < 0) out[k++] = '-';
    while (n) out[k++] = tmp[--n];
    out[k] = 0;
    return k;
}

/* §8.1.  out must hold at least 400 bytes (1e308 has 309 digits, the
 * smallest subnormal needs 0. plus 323 zeros and one digit). */
static size_t fmt_number(double x, char *out)
{
    if (x != x) { strcpy(out, "NaN"); return 3; }
    if (isinf(x)) { strcpy(out, x > 0 ? "inf" : "-inf"); return x > 0 ? 3 : 4; }
    if (x == 0) { strcpy(out, "0"); return 1; }
    if (fabs(x) < 1e15 && x == trunc(x)) return fmt_i64((int64_t)x, out);
    return fmt_shortest(x, out);
}

/* num_to_str (§9): whole numbers go through int(x) (so 1e20 saturates). */
static size_t fmt_num_to_str(double x, char *out)
{
    if (isfinite(x) && x == trunc(x)) return fmt_i64(num_to_i64(x), out);
    return fmt_number(x, out);
}

static void buf_value(Buf *b, Value v, int depth);

static int buf_entry_cmp(const void *a, const void *b)
{
    const Buf *x = a, *y = b;
    return bytes_cmp(x->data, x->len, y->data, y->len);
}

/* §8.2: dict entries are rendered as "KEY": VALUE and the rendered texts are
 * sorted, which is not quite the same as sorting by key. */
static void buf_dict(Buf *b, const Dict *d, int depth)
{
    Buf *parts = xcalloc(d->count, sizeof(Buf));
    size_t n = 0;
    for (size_t i = 0; i < d->cap; i++) {
        const DictEntry *e = &d->entries[i];
        if (!e->key) continue;
        Buf *p = &parts[n++];
        buf_putc(p, '"');
        buf_put(p, e->key->data, e->key->len);
        buf_put(p, "\": ", 3);
        buf_value(p, e->val, depth + 1);
    }
    qsort(parts, n, sizeof(Buf), buf_entry_cmp);
    buf_putc(b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) buf_put(b, ", ", 2);
        buf_put(b, parts[i].data, parts[i].len);
        free(parts[i].data);
    }
    buf_putc(b, '}');
    free(parts);
}

static const char *chunk_name_of(const Closure *f);

static void buf_value(Buf *b, Value v, int depth)
{
    char num[400];
    switch (v.type) {
    case T_NUM: buf_put(b, num, fmt_number(v.as.n, num)); break;
    case T_STR: buf_put(b, v.as.s->data, v.as.s->len); break;
    case T_BOOL: buf_puts(b, v.as.b ? "true" : "false"); break;
    case T_ARR:
        if (depth > MAX_PRINT_DEPTH) { buf_puts(b, "[...]"); break; }
        buf_putc(b, '[');
        for (size_t i = 0; i < v.as.a->len; i++) {
            if (i) buf_put(b, ", ", 2);
            buf_value(b, v.as.a->items[i], depth + 1);
        }
        buf_putc(b, ']');
        break;
    case T_DICT:
        if (depth > MAX_PRINT_DEPTH) { buf_puts(b, "{...}"); break; }
        buf_dict(b, v.as.d, depth);
        break;
    case T_FN:
        buf_puts(b, "<fn ");
        buf_puts(b, chunk_name_of(v.as.fn));
        buf_putc(b, '>');
        break;
    default: /* none prints as nothing */
        break;
    }
}

/* Printed form as a new string; strings are returned as themselves. */
static Str *value_to_str(Value v)
{
    if (v.type == T_STR) { v.as.s->hdr.rc++; return v.as.s; }
    Buf b = {0};
    buf_value(&b, v, 0);
    Str *s = str_from_buf(&b);
    free(b.data);
    return s;
}

/* ======================================================================
 * 6. Bytecode loading and verification (§12, §13, D9)
 *
 * The loader parses the whole file, rejects anything a conforming compiler
 * cannot produce, and pre-decodes each chunk into an array of Instr records:
 *   - names (LOAD/STORE/LOAD_GLOBAL/CALL, MAKE_CLOSURE descriptors) are
 *     interned into program-wide ids (index of the global slot) and mapped
 *     to per-chunk local slots;
 *   - jump targets become instruction indices;
 *   - CALL knows in advance whether its name is __callee__, a builtin (which
 *     cannot be overridden, §7.9) or something to resolve at run time;
 *   - every instruction records how many values it pops, so the loop can
 *     detect stack underflow with one comparison.
 * A sentinel OP_END after the last instruction reports running off the end.
 * ====================================================================== */

enum {
    OP_PUSH_CONST = 0x00, OP_PUSH_TRUE = 0x01, OP_PUSH_FALSE = 0x02, OP_PUSH_NONE = 0x03,
    OP_LOAD = 0x10, OP_STORE = 0x11, OP_LOAD_GLOBAL = 0x12,
    OP_LOAD_UPVALUE = 0x13, OP_STORE_UPVALUE = 0x14, OP_CLOSE_UPVALUE = 0x15,
    OP_ADD = 0x20, OP_SUB = 0x21, OP_MUL = 0x22, OP_DIV = 0x23, OP_MOD = 0x24, OP_NEG = 0x25,
    OP_EQ = 0x30, OP_NEQ = 0x31, OP_LT = 0x32, OP_LTE = 0x33, OP_GT = 0x34, OP_GTE = 0x35,
    OP_NOT = 0x36,
    OP_JUMP = 0x40, OP_JUMP_IF_FALSE = 0x41, OP_JUMP_IF_TRUE = 0x42,
    OP_PEEK_JUMP_IF_FALSE = 0x43, OP_PEEK_JUMP_IF_TRUE = 0x44,
    OP_CALL = 0x50, OP_RETURN = 0x51, OP_RETURN_NONE = 0x52, OP_MAKE_CLOSURE = 0x53,
    OP_MAKE_ARRAY = 0x60, OP_MAKE_DICT = 0x61, OP_GET_INDEX = 0x62, OP_SET_INDEX = 0x63,
    OP_PRINT = 0x70, OP_POP = 0x71,
    /* internal variants chosen by the loader (never in files, see specialize_names) */
    OP_LOAD_MAIN = 0xF0, OP_STORE_MAIN = 0xF1, OP_LOAD_LOCAL = 0xF2, OP_STORE_LOCAL = 0xF3,
    OP_END = 0xFE, /* internal: sentinel after the last instruction of a chunk */
    OP_HALT = 0xFF
};

typedef enum { K_NONE, K_CONST, K_NAME, K_COUNT, K_JUMP, K_CALL, K_CLOSURE } OperandKind;

typedef struct OpInfo {
    const char *name; /* NULL = unknown opcode */
    OperandKind kind;
    uint8_t pops;     /* fixed number of popped values (CALL/MAKE_* compute theirs) */
} OpInfo;

static OpInfo op_info(uint8_t op)
{
    switch (op) {
    case OP_PUSH_CONST: return (OpInfo){"PUSH_CONST", K_CONST, 0};
    case OP_PUSH_TRUE: return (OpInfo){"PUSH_TRUE", K_NONE, 0};
    case OP_PUSH_FALSE: return (OpInfo){"PUSH_FALSE", K_NONE, 0};
    case OP_PUSH_NONE: return (OpInfo){"PUSH_NONE", K_NONE, 0};
    case OP_LOAD: return (OpInfo){"LOAD", K_NAME, 0};
    case OP_STORE: return (OpInfo){"STORE", K_NAME, 1};
    case OP_LOAD_GLOBAL: return (OpInfo){"LOAD_GLOBAL", K_NAME, 0};
    case OP_LOAD_UPVALUE: return (OpInfo){"LOAD_UPVALUE", K_COUNT, 0};
    case OP_STORE_UPVALUE: return (OpInfo){"STORE_UPVALUE", K_COUNT, 1};
    case OP_CLOSE_UPVALUE: return (OpInfo){"CLOSE_UPVALUE", K_COUNT, 0};
    case OP_ADD: return (OpInfo){"ADD", K_NONE, 2};
    case OP_SUB: return (OpInfo){"SUB", K_NONE, 2};
    case OP_MUL: return (OpInfo){"MUL", K_NONE, 2};
    case OP_DIV: return (OpInfo){"DIV", K_NONE, 2};
    case OP_MOD: return (OpInfo){"MOD", K_NONE, 2};
    case OP_NEG: return (OpInfo){"NEG", K_NONE, 1};
    case OP_EQ: return (OpInfo){"EQ", K_NONE, 2};
    case OP_NEQ: return (OpInfo){"NEQ", K_NONE, 2};
    case OP_LT: return (OpInfo){"LT", K_NONE, 2};
    case OP_LTE: return (OpInfo){"LTE", K_NONE, 2};
    case OP_GT: return (OpInfo){"GT", K_NONE, 2};
    case OP_GTE: return (OpInfo){"GTE", K_NONE, 2};
    case OP_NOT: return (OpInfo){"NOT", K_NONE, 1};
    case OP_JUMP: return (OpInfo){"JUMP", K_JUMP, 0};
    case OP_JUMP_IF_FALSE: return (OpInfo){"JUMP_IF_FALSE", K_JUMP, 1};
    case OP_JUMP_IF_TRUE: return (OpInfo){"JUMP_IF_TRUE", K_JUMP, 1};
    case OP_PEEK_JUMP_IF_FALSE: return (OpInfo){"PEEK_JUMP_IF_FALSE", K_JUMP, 1};
    case OP_PEEK_JUMP_IF_TRUE: return (OpInfo){"PEEK_JUMP_IF_TRUE", K_JUMP, 1};
    case OP_CALL: return (OpInfo){"CALL", K_CALL, 0};
    case OP_RETURN: return (OpInfo){"RETURN", K_NONE, 1};
    case OP_RETURN_NONE: return (OpInfo){"RETURN_NONE", K_NONE, 0};
    case OP_MAKE_CLOSURE: return (OpInfo){"MAKE_CLOSURE", K_CLOSURE, 0};
    case OP_MAKE_ARRAY: return (OpInfo){"MAKE_ARRAY", K_COUNT, 0};
    case OP_MAKE_DICT: return (OpInfo){"MAKE_DICT", K_COUNT, 0};
    case OP_GET_INDEX: return (OpInfo){"GET_INDEX", K_NONE, 2};
    case OP_SET_INDEX: return (OpInfo){"SET_INDEX", K_NONE, 3};
    case OP_PRINT: return (OpInfo){"PRINT", K_NONE, 1};
    case OP_POP: return (OpInfo){"POP", K_NONE, 1};
    case OP_HALT: return (OpInfo){"HALT", K_NONE, 0};
    default: return (OpInfo){NULL, K_NONE, 0};
    }
}

/* Builtins (§9), resolved by name before anything else. */
typedef enum {
    B_LENGTH, B_PUSH, B_POP, B_REVERSE, B_SLICE, B_RANGE, B_MAP, B_FILTER, B_REDUCE,
    B_KEYS, B_VALUES, B_HAS_KEY, B_CHAR_AT, B_SUBSTR, B_ORD, B_NUM_TO_STR, B_STR_TO_NUM,
    B_NUM_TO_HEX, B_TYPE_OF, B_ASSERT, B_EXIT, B_INPUT, B_READ_FILE, B_WRITE_FILE,
    B_WRITE_HEX, B_ARGS, B_COUNT
} BuiltinId;

static const char *const builtin_names[B_COUNT] = {
    "length", "push", "pop", "reverse", "slice", "range", "map", "filter", "reduce",
    "keys", "values", "has_key", "char_at", "substr", "ord", "num_to_str", "str_to_num",
    "num_to_hex", "type_of", "assert", "exit", "input", "read_file", "write_file",
    "write_hex", "args"
};

/* CALL kinds besides builtin ids (>= 0). */
enum { CALL_CALLEE = -1, CALL_NAMED = -2 };

typedef struct Instr {
    uint8_t op;
    uint8_t n;       /* argc, upvalue index, element/pair count, descriptor count */
    uint16_t slot;   /* local slot of the name operand */
    uint16_t need;   /* values popped: checked against the stack floor */
    int32_t a;       /* constant index, name id, jump target (instruction) or chunk */
    int32_t b;       /* CALL: builtin id or CALL_*; MAKE_CLOSURE: first descriptor */
    int32_t line;    /* source line for runtime errors */
} Instr;

/* A MAKE_CLOSURE descriptor (§13): capture local `slot` or parent cell `index`. */
typedef struct Desc {
    bool is_local;
    uint16_t slot;
    int32_t name;    /* name id when is_local */
    uint32_t index;  /* parent cell number when !is_local */
} Desc;

typedef struct Chunk {
    Str *name;
    uint8_t param_count;
    uint8_t nconsts;
    Value *consts;
    uint8_t *code;       /* raw bytes, kept for --dump */
    uint32_t code_len;
    uint32_t *lines;     /* one line per code byte */
    Instr *instrs;       /* ninstrs + 1 (OP_END sentinel) */
    uint32_t ninstrs;
    uint32_t *offsets;   /* byte offset of each instruction */
    Desc *descs;
    uint32_t ndescs;
    int32_t *slot_names; /* local slot -> name id */
    uint32_t nslots;
} Chunk;

typedef struct Name {
    Str *str;
    int32_t chunk;   /* callable chunk of that name (not <main>), or -1 */
    int32_t builtin; /* builtin id, or -1 */
} Name;

typedef struct Program {
    Chunk *chunks;
    uint32_t nchunks;
    Name *names;
    uint32_t nnames, names_cap;
    uint32_t *htab;  /* open-addressing index: name id + 1, 0 = empty */
    uint32_t hcap;
} Program;

static const char *chunk_name_of(const Closure *f) { return f->chunk->name->data; }

static void program_free(Program *p)
{
    if (!p) return;
    for (uint32_t i = 0; i < p->nchunks; i++) {
        Chunk *c = &p->chunks[i];
        if (c->name) v_release(v_str(c->name));
        for (uint32_t k = 0; k < c->nconsts; k++) v_release(c->consts[k]);
        free(c->consts);
        free(c->code);
        free(c->lines);
        free(c->instrs);
        free(c->offsets);
        free(c->descs);
        free(c->slot_names);
    }
    free(p->chunks);
    for (uint32_t i = 0; i < p->nnames; i++) v_release(v_str(p->names[i].str));
    free(p->names);
    free(p->htab);
    free(p);
    free_list_reset();
}

static uint32_t bytes_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h ? h : 1;
}

static void names_rehash(Program *p, uint32_t cap)
{
    free(p->htab);
    p->hcap = cap;
    p->htab = xcalloc(cap, sizeof(uint32_t));
    for (uint32_t id = 0; id < p->nnames; id++) {
        uint32_t i = str_hash(p->names[id].str) & (cap - 1);
        while (p->htab[i]) i = (i + 1) & (cap - 1);
        p->htab[i] = id + 1;
    }
}

/* Interns a name; returns its program-wide id. */
static int32_t intern(Program *p, const char *s, size_t n)
{
    if ((p->nnames + 1) * 2 > p->hcap) names_rehash(p, p->hcap ? p->hcap * 2 : 64);
    uint32_t h = bytes_hash(s, n);
    uint32_t i = h & (p->hcap - 1);
    while (p->htab[i]) {
        Str *k = p->names[p->htab[i] - 1].str;
        if (k->len == n && memcmp(k->data, s, n) == 0) return (int32_t)(p->htab[i] - 1);
        i = (i + 1) & (p->hcap - 1);
    }
    if (p->nnames == p->names_cap) {
        p->names_cap = p->names_cap ? p->names_cap * 2 : 64;
        p->names = xrealloc(p->names, p->names_cap * sizeof(Name));
    }
    Name *nm = &p->names[p->nnames];
    nm->str = str_new(s, n);
    nm->chunk = -1;
    nm->builtin = -1;
    for (int b = 0; b < B_COUNT; b++)
        if (strlen(builtin_names[b]) == n && memcmp(builtin_names[b], s, n) == 0) nm->builtin = b;
    p->htab[i] = p->nnames + 1;
    return (int32_t)p->nnames++;
}

typedef struct Loader {
    const uint8_t *data;
    size_t len, pos;
    Program *prog;
    char err[512];
    jmp_buf fail;
    Chunk *chunk;         /* chunk being decoded, for slot assignment */
    int32_t *slot_of;     /* name id -> local slot + 1 for the current chunk */
    uint32_t slot_of_cap;
    int32_t *index_of;    /* byte offset -> instruction index, -1 if not a start */
} Loader;

static void load_fail(Loader *ld, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void load_fail(Loader *ld, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err, sizeof ld->err, fmt, ap);
    va_end(ap);
    longjmp(ld->fail, 1);
}

static const uint8_t *rd_bytes(Loader *ld, uint64_t n)
{
    size_t have = ld->len - ld->pos;
    if (n > have)
        load_fail(ld, "unexpected end of bytecode at offset %zu (need %llu bytes, have %zu)",
                  ld->pos, (unsigned long long)n, have);
    const uint8_t *p = ld->data + ld->pos;
    ld->pos += (size_t)n;
    return p;
}

static uint8_t rd_u8(Loader *ld) { return rd_bytes(ld, 1)[0]; }

static uint16_t rd_u16(Loader *ld)
{
    const uint8_t *p = rd_bytes(ld, 2);
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd_u32(Loader *ld)
{
    const uint8_t *p = rd_bytes(ld, 4);
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void load_chunk_layout(Loader *ld, Chunk *c)
{
    uint16_t name_len = rd_u16(ld);
    const uint8_t *name = rd_bytes(ld, name_len);
    if (!utf8_valid(name, name_len)) load_fail(ld, "chunk name is not valid UTF-8");
    c->name = str_new((const char *)name, name_len);
    c->param_count = rd_u8(ld);
    (void)rd_u8(ld); /* upvalue_count: always 0, must be ignored (§12) */
    uint8_t nconsts = rd_u8(ld);
    c->consts = xcalloc(nconsts, sizeof(Value));
    for (uint32_t k = 0; k < nconsts; k++) {
        uint8_t tag = rd_u8(ld);
        Value v;
        if (tag == 0) {
            const uint8_t *p = rd_bytes(ld, 8);
            uint64_t bits = 0;
            for (int i = 0; i < 8; i++) bits = bits << 8 | p[i];
            double d;
            memcpy(&d, &bits, sizeof d);
            v = v_num(d);
        } else if (tag == 1) {
            v = v_bool(rd_u8(ld) != 0);
        } else if (tag == 2) {
            uint16_t n = rd_u16(ld);
            const uint8_t *p = rd_bytes(ld, n);
            if (!utf8_valid(p, n)) load_fail(ld, "string constant is not valid UTF-8");
            v = v_str(str_new((const char *)p, n));
        } else if (tag == 3) {
            v = v_none();
        } else {
            load_fail(ld, "unknown constant tag %u", tag);
        }
        c->consts[k] = v;
        c->nconsts = (uint8_t)(k + 1);
    }
    c->code_len = rd_u32(ld);
    const uint8_t *code = rd_bytes(ld, c->code_len);
    c->code = xmalloc(c->code_len);
    memcpy(c->code, code, c->code_len);
    uint32_t lines_len = rd_u32(ld);
    const uint8_t *lp = rd_bytes(ld, (uint64_t)lines_len * 4);
    if (lines_len != c->code_len)
        load_fail(ld, "line table of chunk '%s' has %u entries for %u code bytes",
                  c->name->data, lines_len, c->code_len);
    c->lines = xmalloc((size_t)lines_len * sizeof(uint32_t));
    for (uint32_t i = 0; i < lines_len; i++, lp += 4)
        c->lines[i] = (uint32_t)lp[0] << 24 | (uint32_t)lp[1] << 16 | (uint32_t)lp[2] << 8 | lp[3];
}

/* Local slot of name id in the chunk being decoded. */
static uint16_t slot_for(Loader *ld, int32_t id, uint32_t offset)
{
    Program *p = ld->prog;
    Chunk *c = ld->chunk;
    if (p->names_cap > ld->slot_of_cap) {
        ld->slot_of = xrealloc(ld->slot_of, p->names_cap * sizeof(int32_t));
        memset(ld->slot_of + ld->slot_of_cap, 0, (p->names_cap - ld->slot_of_cap) * sizeof(int32_t));
        ld->slot_of_cap = p->names_cap;
    }
    if (ld->slot_of[id]) return (uint16_t)(ld->slot_of[id] - 1);
    if (c->nslots >= 65535)
        load_fail(ld, "too many distinct names in chunk '%s' at offset %u", c->name->data, offset);
    c->slot_names = xrealloc(c->slot_names, (c->nslots + 1) * sizeof(int32_t));
    c->slot_names[c->nslots] = id;
    ld->slot_of[id] = (int32_t)++c->nslots;
    return (uint16_t)(c->nslots - 1);
}

/* Returns the name id of string constant k used as a name operand. */
static int32_t name_operand(Loader *ld, uint8_t k, const char *opname, uint32_t offset)
{
    Chunk *c = ld->chunk;
    if (k >= c->nconsts)
        load_fail(ld, "constant index %u out of range (%u constants) in chunk '%s' at offset %u",
                  k, c->nconsts, c->name->data, offset);
    if (c->consts[k].type != T_STR)
        load_fail(ld, "%s operand %u is not a string constant in chunk '%s' at offset %u",
                  opname, k, c->name->data, offset);
    Str *s = c->consts[k].as.s;
    return intern(ld->prog, s->data, s->len);
}

/* Length of the instruction at `off`, or 0 if it does not fit in the code. */
static uint32_t instr_length(const Chunk *c, uint32_t off, OperandKind kind)
{
    uint32_t left = c->code_len - off;
    uint32_t len;
    switch (kind) {
    case K_NONE: len = 1; break;
    case K_CONST: case K_NAME: case K_COUNT: len = 2; break;
    case K_JUMP: case K_CALL: len = 3; break;
    case K_CLOSURE: {
        if (left < 3) return 0;
        uint32_t n = c->code[off + 2];
        len = 3;
        for (uint32_t i = 0; i < n; i++) {
            if (left < len + 2) return 0;
            len += 2 + c->code[off + len + 1];
        }
        break;
    }
    default: len = 1; break;
    }
    return len <= left ? len : 0;
}

/* String building: in `let s = s + a + b` only the last ADD is followed by
 * the STORE, so the first one would copy s every time (quadratic loops).
 * An ADD followed by straight-line code made only of constant pushes, loads
 * of *other* names and ADDs up to `STORE s` may drop the variable's
 * reference early (see steal_store_target): nothing in between can observe
 * s.  ADD.b = index of that STORE + 1.  One backward pass per STORE. */
static void mark_append_chains(Chunk *c)
{
    for (uint32_t j = 0; j < c->ninstrs; j++) {
        if (c->instrs[j].op != OP_STORE) continue;
        int32_t target = c->instrs[j].a;
        bool target_read = false;
        for (uint32_t k = j; k-- > 0;) {
            Instr *in = &c->instrs[k];
            if (in->op == OP_ADD) {
                if (!target_read) in->b = (int32_t)j + 1;
            } else if (in->op == OP_LOAD || in->op == OP_LOAD_GLOBAL) {
                if (in->a == target) target_read = true;
            } else if (in->op != OP_PUSH_CONST) {
                break;
            }
        }
    }
}

/* LOAD/STORE must check for an open cell (§14.2, D1), but a slot can only
 * get one if a MAKE_CLOSURE of this very chunk captures it; and chunk 0 only
 * ever runs as the main frame (it cannot be called or closed over).  So
 * uncaptured names get variants without those checks. */
static void specialize_names(Chunk *c, bool is_main)
{
    bool *captured = xcalloc(c->nslots ? c->nslots : 1, sizeof(bool));
    for (uint32_t i = 0; i < c->ndescs; i++)
        if (c->descs[i].is_local) captured[c->descs[i].slot] = true;
    for (uint32_t i = 0; i < c->ninstrs; i++) {
        Instr *in = &c->instrs[i];
        if ((in->op != OP_LOAD && in->op != OP_STORE) || captured[in->slot]) continue;
        if (in->op == OP_LOAD) in->op = is_main ? OP_LOAD_MAIN : OP_LOAD_LOCAL;
        else in->op = is_main ? OP_STORE_MAIN : OP_STORE_LOCAL;
    }
    free(captured);
}

static void decode_chunk(Loader *ld, Chunk *c)
{
    Program *p = ld->prog;
    const char *cname = c->name->data;
    ld->chunk = c;
    /* Pass 1: instruction boundaries. */
    free(ld->index_of);
    ld->index_of = xmalloc(((size_t)c->code_len + 1) * sizeof(int32_t));
    for (uint32_t i = 0; i <= c->code_len; i++) ld->index_of[i] = -1;
    uint32_t count = 0;
    for (uint32_t off = 0; off < c->code_len;) {
        OpInfo info = op_info(c->code[off]);
        if (!info.name)
            load_fail(ld, "unknown opcode 0x%02X in chunk '%s' at offset %u", c->code[off], cname, off);
        uint32_t len = instr_length(c, off, info.kind);
        if (!len) load_fail(ld, "truncated %s instruction in chunk '%s' at offset %u", info.name, cname, off);
        ld->index_of[off] = (int32_t)count++;
        off += len;
    }
    c->ninstrs = count;
    c->instrs = xcalloc((size_t)count + 1, sizeof(Instr));
    c->offsets = xcalloc((size_t)count + 1, sizeof(uint32_t));
    /* Pass 2: operands. */
    uint32_t idx = 0;
    for (uint32_t off = 0; off < c->code_len; idx++) {
        uint8_t op = c->code[off];
        OpInfo info = op_info(op);
        uint32_t len = instr_length(c, off, info.kind);
        Instr *in = &c->instrs[idx];
        c->offsets[idx] = off;
        in->op = op;
        in->need = info.pops;
        in->line = (int32_t)c->lines[off + len - 1];
        const uint8_t *operand = c->code + off + 1;
        switch (info.kind) {
        case K_NONE:
            break;
        case K_CONST:
            if (operand[0] >= c->nconsts)
                load_fail(ld, "constant index %u out of range (%u constants) in chunk '%s' at offset %u",
                          operand[0], c->nconsts, cname, off);
            in->a = operand[0];
            break;
        case K_NAME:
            in->a = name_operand(ld, operand[0], info.name, off);
            in->slot = slot_for(ld, in->a, off);
            break;
        case K_COUNT:
            in->n = operand[0];
            if (op == OP_MAKE_ARRAY) in->need = in->n;
            if (op == OP_MAKE_DICT) in->need = (uint16_t)(2 * in->n);
            break;
        case K_JUMP: {
            uint32_t target = (uint32_t)operand[0] << 8 | operand[1];
            if (target >= c->code_len)
                load_fail(ld, "jump target %u out of range (code length %u) in chunk '%s' at offset %u",
                          target, c->code_len, cname, off);
            if (ld->index_of[target] < 0)
                load_fail(ld, "jump target %u is not an instruction start in chunk '%s' at offset %u",
                          target, cname, off);
            in->a = ld->index_of[target];
            break;
        }
        case K_CALL: {
            in->a = name_operand(ld, operand[0], info.name, off);
            in->slot = slot_for(ld, in->a, off);
            in->n = operand[1];
            Str *nm = p->names[in->a].str;
            if (nm->len == 10 && memcmp(nm->data, "__callee__", 10) == 0) {
                in->b = CALL_CALLEE;
                in->need = (uint16_t)(in->n + 1);
            } else {
                in->b = p->names[in->a].builtin >= 0 ? p->names[in->a].builtin : CALL_NAMED;
                in->need = in->n;
            }
            break;
        }
        case K_CLOSURE: {
            int32_t target = name_operand(ld, operand[0], info.name, off);
            if (p->names[target].chunk < 0)
                load_fail(ld, "MAKE_CLOSURE refers to unknown chunk '%s' in chunk '%s' at offset %u",
                          p->names[target].str->data, cname, off);
            in->a = p->names[target].chunk;
            in->n = operand[1];
            in->b = (int32_t)c->ndescs;
            c->descs = xrealloc(c->descs, (c->ndescs + in->n + 1) * sizeof(Desc));
            uint32_t pos = off + 3;
            for (uint32_t i = 0; i < in->n; i++) {
                uint8_t is_local = c->code[pos];
                uint8_t dlen = c->code[pos + 1];
                const char *text = (const char *)c->code + pos + 2;
                Desc *d = &c->descs[c->ndescs++];
                memset(d, 0, sizeof *d);
                if (is_local == 1) {
                    d->is_local = true;
                    d->name = intern(p, text, dlen);
                    d->slot = slot_for(ld, d->name, off);
                } else if (is_local == 0) {
                    uint64_t n = 0;
                    if (dlen == 0 || dlen > 9)
                        load_fail(ld, "bad upvalue descriptor in chunk '%s' at offset %u", cname, off);
                    for (uint32_t k = 0; k < dlen; k++) {
                        if (text[k] < '0' || text[k] > '9')
                            load_fail(ld, "bad upvalue descriptor in chunk '%s' at offset %u", cname, off);
                        n = n * 10 + (uint64_t)(text[k] - '0');
                    }
                    d->index = (uint32_t)n;
                } else {
                    load_fail(ld, "bad upvalue descriptor flag %u in chunk '%s' at offset %u",
                              is_local, cname, off);
                }
                pos += 2u + dlen;
            }
            break;
        }
        }
        off += len;
    }
    c->instrs[count].op = OP_END;
    c->instrs[count].line = 0;
    c->offsets[count] = c->code_len;
    mark_append_chains(c);
    specialize_names(c, c == &ld->prog->chunks[0]);
    /* Reset the name -> slot map for the next chunk. */
    for (uint32_t s = 0; s < c->nslots; s++) ld->slot_of[c->slot_names[s]] = 0;
}

/* Loads and verifies a whole file.  On failure returns NULL and leaves the
 * DETAIL of "Invalid bytecode: DETAIL" in err. */
static Program *load_program(const uint8_t *data, size_t len, char *err, size_t errsize)
{
    Loader ld;
    memset(&ld, 0, sizeof ld);
    ld.data = data;
    ld.len = len;
    ld.prog = xcalloc(1, sizeof(Program));
    if (setjmp(ld.fail)) {
        snprintf(err, errsize, "%s", ld.err);
        free(ld.slot_of);
        free(ld.index_of);
        program_free(ld.prog);
        return NULL;
    }
    Program *p = ld.prog;
    if (len < 5) load_fail(&ld, "file too short");
    if (memcmp(data, "WHBC", 4) != 0) load_fail(&ld, "bad magic bytes (not a .whbc file)");
    if (data[4] != 4) load_fail(&ld, "version mismatch: expected 4, got %u", data[4]);
    ld.pos = 5;
    uint16_t nchunks = rd_u16(&ld);
    if (nchunks == 0) load_fail(&ld, "bytecode contains no chunks");
    p->chunks = xcalloc(nchunks, sizeof(Chunk));
    for (uint32_t i = 0; i < nchunks; i++) {
        p->nchunks = i + 1;
        load_chunk_layout(&ld, &p->chunks[i]);
    }
    if (ld.pos != len) load_fail(&ld, "trailing bytes after last chunk");
    /* Chunk names: unique; every chunk but <main> is callable by name. */
    int32_t main_id = intern(p, p->chunks[0].name->data, p->chunks[0].name->len);
    for (uint32_t i = 1; i < nchunks; i++) {
        Str *nm = p->chunks[i].name;
        int32_t id = intern(p, nm->data, nm->len);
        if (id == main_id || p->names[id].chunk >= 0)
            load_fail(&ld, "duplicate chunk name '%s'", nm->data);
        p->names[id].chunk = (int32_t)i;
    }
    for (uint32_t i = 0; i < nchunks; i++) decode_chunk(&ld, &p->chunks[i]);
    free(ld.slot_of);
    free(ld.index_of);
    return p;
}

/* ======================================================================
 * 7. The virtual machine: state, frames, errors, calls (§14)
 * ====================================================================== */

typedef struct Frame {
    Chunk *chunk;
    const Instr *ip;   /* next instruction (saved while a callee runs) */
    size_t lbase;      /* first local slot in vm->locals */
    Cell **open;       /* open cells by local slot; allocated on first capture */
    Closure *closure;  /* captured cells of the running lambda, or NULL */
} Frame;

#define KV_NBUFS 9

typedef struct VM {
    Program *prog;
    const char *path;      /* the .whbc path exactly as given, for diagnostics */
    Value *stack, *sp, *stack_end;
    Value *floor;          /* lowest slot the running callback may pop (§14.5) */
    Frame *frames;         /* fixed capacity MAX_CALL_DEPTH + 1: pointers stay valid */
    size_t nframes;
    Value *locals;         /* all frames' local slots; grows, so frames keep indices */
    size_t ltop, lcap;
    Value *globals;        /* indexed by name id */
    int callback_depth;
    int argc;
    char **argv;
    jmp_buf *stop;         /* where errors, exit() and HALT leave to */
    int status;
    bool quiet;            /* fuzzing: no output, no file system */
    unsigned long steps;
    int kv_fd;             /* kv_* extension: open socket or -1 */
    Buf kv_buf[KV_NBUFS];  /* kv_* extension: scratch buffers (section 9b) */
    Array *kv_keys;        /* kv_list: keys gathered so far */
} VM;

static void vm_write(VM *vm, const char *s, size_t n)
{
    if (!vm->quiet) fwrite(s, 1, n, stdout);
}

/* Ends the program with an exit status (HALT, exit(), top-level return). */
static _Noreturn void vm_stop(VM *vm, int status)
{
    vm->status = status;
    longjmp(*vm->stop, 1);
}

/* §10: `FILE: [line L, col 0] Error: MESSAGE`, or without location when
 * line < 0.  stdout is flushed first so the byte stream matches. */
static _Noreturn void rt_error(VM *vm, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
static _Noreturn void rt_error(VM *vm, int line, const char *fmt, ...)
{
    if (!vm->quiet) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        char *msg = xmalloc((size_t)(n > 0 ? n : 0) + 1);
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
        va_end(ap);
        fflush(stdout);
        if (line >= 0)
            fprintf(stderr, "%s: [line %d, col 0] Error: %s\n", vm->path, line, msg);
        else
            fprintf(stderr, "%s: Error: %s\n", vm->path, msg);
        fflush(stderr);
        free(msg);
    }
    vm_stop(vm, 1);
}

static _Noreturn void type_error(VM *vm, int line, const char *expected, Value found)
{
    rt_error(vm, line, "Type error: expected %s, found %s", expected, type_name(found));
}

static _Noreturn void arity_error(VM *vm, int line, const char *name, unsigned expected, unsigned got)
{
    rt_error(vm, line, "Function '%s' expected %u argument%s, got %u", name, expected,
             expected == 1 ? "" : "s", got);
}

static _Noreturn void stack_overflow(VM *vm, int line)
{
    rt_error(vm, line, "Stack overflow: value stack exceeds %zu slots", (size_t)STACK_SLOTS);
}

static const char *name_of(VM *vm, int32_t id) { return vm->prog->names[id].str->data; }

static bool vm_init(VM *vm, Program *prog, const char *path, int argc, char **argv)
{
    memset(vm, 0, sizeof *vm);
    vm->kv_fd = -1;
    vm->prog = prog;
    vm->path = path;
    vm->argc = argc;
    vm->argv = argv;
    vm->stack = xmalloc(STACK_SLOTS * sizeof(Value));
    vm->sp = vm->floor = vm->stack;
    vm->stack_end = vm->stack + STACK_SLOTS;
    vm->frames = xmalloc(((size_t)MAX_CALL_DEPTH + 1) * sizeof(Frame));
    vm->globals = xmalloc((prog->nnames ? prog->nnames : 1) * sizeof(Value));
    for (uint32_t i = 0; i < prog->nnames; i++) vm->globals[i] = v_undef();
    vm->lcap = 1024;
    vm->locals = xmalloc(vm->lcap * sizeof(Value));
    return true;
}

static void frame_pop(VM *vm)
{
    Frame *f = &vm->frames[--vm->nframes];
    Value *loc = vm->locals + f->lbase;
    uint32_t n = f->chunk->nslots;
    if (f->open) {
        for (uint32_t i = 0; i < n; i++)
            if (f->open[i]) cell_release(f->open[i]);
        free(f->open);
    }
    for (uint32_t i = 0; i < n; i++) v_release(loc[i]);
    vm->ltop = f->lbase;
    if (f->closure) v_release(v_fn(f->closure));
}

/* Tears everything down; used at every program end so that valgrind and
 * LeakSanitizer see no leaks, even after a runtime error. */
static void kv_release(VM *vm);

static void vm_free(VM *vm)
{
    kv_release(vm);
    while (vm->sp > vm->stack) v_release(*--vm->sp);
    while (vm->nframes) frame_pop(vm);
    for (uint32_t i = 0; i < vm->prog->nnames; i++) v_release(vm->globals[i]);
    cells_break_cycles();
    free(vm->stack);
    free(vm->frames);
    free(vm->globals);
    free(vm->locals);
}

/* Pushes a frame for chunk c; the frame takes over the reference to cl. */
static void frame_push(VM *vm, int line, Chunk *c, Closure *cl)
{
    if (vm->nframes > MAX_CALL_DEPTH) {
        if (cl) v_release(v_fn(cl));
        rt_error(vm, line, "Stack overflow: call depth exceeds %d", MAX_CALL_DEPTH);
    }
    if (vm->ltop + c->nslots > vm->lcap) {
        while (vm->ltop + c->nslots > vm->lcap) vm->lcap *= 2;
        vm->locals = xrealloc(vm->locals, vm->lcap * sizeof(Value));
    }
    Frame *f = &vm->frames[vm->nframes++];
    f->chunk = c;
    f->ip = c->instrs;
    f->lbase = vm->ltop;
    f->open = NULL;
    f->closure = cl;
    for (uint32_t i = 0; i < c->nslots; i++) vm->locals[vm->ltop + i] = v_undef();
    vm->ltop += c->nslots;
}

/* The LOAD rules of §14.2 without the error: open cell, then (outside
 * main) the call's locals, then the global.  T_UNDEF if absent. */
static inline Value lookup_name(VM *vm, Frame *f, uint16_t slot, int32_t id)
{
    if (f->open && f->open[slot]) return f->open[slot]->v;
    if (f != vm->frames) {
        Value v = vm->locals[f->lbase + slot];
        if (v.type != T_UNDEF) return v;
    }
    return vm->globals[id];
}

/* If the variable that the next instruction (a STORE) will overwrite holds
 * the very object we are about to "modify", drop the variable's reference
 * now.  The store replaces it anyway, and with the stack's reference as the
 * only one left, push/index-assignment/string-append can work in place:
 * this is what keeps `let a = push(a, x)` and `a[i] = v` loops linear. */
static inline void steal_store_target(VM *vm, Frame *f, const Instr *next, Value v)
{
    if (v.as.obj->rc != 2) return;
    if (next->op != OP_STORE && next->op != OP_STORE_MAIN && next->op != OP_STORE_LOCAL) return;
    if (f->open && f->open[next->slot]) return;
    Value *dst = f == vm->frames ? &vm->globals[next->a] : &vm->locals[f->lbase + next->slot];
    if (dst->type == v.type && dst->as.obj == v.as.obj) {
        v.as.obj->rc--;
        *dst = v_none();
    }
}

static Value vm_execute(VM *vm, size_t base);

/* Calls a function value from a builtin (map/filter/reduce, §14.5) and
 * runs it to completion.  The callee cannot pop below its own arguments. */
static Value vm_call_value(VM *vm, int line, Value fn, const Value *args, uint32_t nargs)
{
    if (fn.type != T_FN) type_error(vm, line, "function", fn);
    Chunk *c = fn.as.fn->chunk;
    if (nargs != c->param_count) arity_error(vm, line, c->name->data, c->param_count, nargs);
    if (vm->callback_depth >= MAX_CALLBACK_NESTING)
        rt_error(vm, line, "Stack overflow: map/filter/reduce nesting exceeds %d", MAX_CALLBACK_NESTING);
    if ((size_t)(vm->stack_end - vm->sp) < nargs) stack_overflow(vm, line);
    for (uint32_t i = 0; i < nargs; i++) {
        v_retain(args[i]);
        *vm->sp++ = args[i];
    }
    Value *saved_floor = vm->floor;
    vm->floor = vm->sp - nargs;
    fn.as.fn->hdr.rc++;
    frame_push(vm, line, c, fn.as.fn);
    vm->callback_depth++;
    Value result = vm_execute(vm, vm->nframes - 1);
    vm->callback_depth--;
    while (vm->sp > vm->floor) v_release(*--vm->sp); /* unbalanced code leaves junk */
    vm->floor = saved_floor;
    return result;
}

static Value call_builtin(VM *vm, Frame *f, const Instr *in, Value *args, uint32_t argc);
static int kv_which(const char *name);
static Value kv_call(VM *vm, int line, int which, Value *a, uint32_t argc);

/* ======================================================================
 * 8. The dispatch loop
 * ====================================================================== */

static inline bool values_equal(Value a, Value b)
{
    if (a.type != b.type) return false;
    switch (a.type) {
    case T_NUM: return a.as.n == b.as.n;
    case T_BOOL: return a.as.b == b.as.b;
    case T_NONE: return true;
    case T_STR: return a.as.s->len == b.as.s->len && memcmp(a.as.s->data, b.as.s->data, a.as.s->len) == 0;
    default: return false; /* arrays, dicts, functions are never equal (§7.5) */
    }
}

static void check_str_size(VM *vm, int line, size_t a, size_t b)
{
    if (a > MAX_STR_BYTES || b > MAX_STR_BYTES - a)
        rt_error(vm, line, "Out of memory: strings are limited to %zu bytes", (size_t)MAX_STR_BYTES);
}

/* §7.3 for everything but number + number.  slots[0], slots[1] are the
 * operands on the stack; the result replaces slots[0]. */
static void add_slow(VM *vm, Frame *f, const Instr *in, Value *slots)
{
    Value a = slots[0], b = slots[1];
    if (a.type != T_STR && b.type != T_STR)
        rt_error(vm, in->line, "Type error: expected number or string, found %s and %s",
                 type_name(a), type_name(b));
    Str *rs = value_to_str(b);
    if (a.type == T_STR) {
        if (a.as.s->len > MAX_STR_BYTES || rs->len > MAX_STR_BYTES - a.as.s->len) {
            v_release(v_str(rs));
            check_str_size(vm, in->line, SIZE_MAX, 0);
        }
        if (in->b) steal_store_target(vm, f, f->chunk->instrs + in->b - 1, a);
        if (a.as.s->hdr.rc == 1) {
            slots[0] = v_str(str_append_owned(a.as.s, rs->data, rs->len));
        } else {
            Str *s = str_alloc(a.as.s->len + rs->len);
            memcpy(s->data, a.as.s->data, a.as.s->len);
            memcpy(s->data + a.as.s->len, rs->data, rs->len);
            s->nchars = a.as.s->nchars + rs->nchars;
            v_release(a);
            slots[0] = v_str(s);
        }
    } else {
        Str *ls = value_to_str(a);
        if (ls->len > MAX_STR_BYTES || rs->len > MAX_STR_BYTES - ls->len) {
            v_release(v_str(ls));
            v_release(v_str(rs));
            check_str_size(vm, in->line, SIZE_MAX, 0);
        }
        Str *s = str_alloc(ls->len + rs->len);
        memcpy(s->data, ls->data, ls->len);
        memcpy(s->data + ls->len, rs->data, rs->len);
        s->nchars = ls->nchars + rs->nchars;
        v_release(v_str(ls));
        v_release(a);
        slots[0] = v_str(s);
    }
    v_release(v_str(rs));
    v_release(b);
}

static _Noreturn void number_error(VM *vm, int line, Value a, Value b)
{
    rt_error(vm, line, "Type error: expected number, found %s and %s", type_name(a), type_name(b));
}

/* §7.4: numbers or strings; the result replaces slots[0]. */
static void compare_slow(VM *vm, const Instr *in, Value *slots)
{
    Value a = slots[0], b = slots[1];
    if (a.type != T_STR || b.type != T_STR)
        rt_error(vm, in->line, "Type error: expected number or string, found %s and %s",
                 type_name(a), type_name(b));
    int c = str_cmp(a.as.s, b.as.s);
    bool r = in->op == OP_LT ? c < 0 : in->op == OP_LTE ? c <= 0 : in->op == OP_GT ? c > 0 : c >= 0;
    v_release(a);
    v_release(b);
    slots[0] = v_bool(r);
}

/* Dict key of §7.7: strings as they are, numbers through num_to_str.
 * Returns a new reference, or NULL for other types. */
static Str *dict_key_of(Value k)
{
    if (k.type == T_STR) { k.as.s->hdr.rc++; return k.as.s; }
    if (k.type == T_NUM) {
        char buf[400];
        return str_new(buf, fmt_num_to_str(k.as.n, buf));
    }
    return NULL;
}

static _Noreturn void bad_key(VM *vm, int line, Value k)
{
    type_error(vm, line, "string or number (as dict key)", k);
}

static _Noreturn void index_out_of_bounds(VM *vm, int line, uint64_t i, size_t len)
{
    rt_error(vm, line, "Array index %llu out of bounds (length: %zu)", (unsigned long long)i, len);
}

/* §7.8; slots[0] = object, slots[1] = index; result replaces slots[0]. */
static void get_index(VM *vm, const Instr *in, Value *slots)
{
    Value obj = slots[0], idx = slots[1];
    Value r;
    if (obj.type == T_ARR) {
        if (idx.type != T_NUM) rt_error(vm, in->line, "Array index must be a number");
        uint64_t i = num_to_index(idx.as.n);
        if (i >= obj.as.a->len) index_out_of_bounds(vm, in->line, i, obj.as.a->len);
        r = obj.as.a->items[i];
    } else if (obj.type == T_DICT) {
        Str *key = dict_key_of(idx);
        if (!key) bad_key(vm, in->line, idx);
        Value *found = dict_get(obj.as.d, key);
        if (!found) {
            Buf msg = {0};
            buf_put(&msg, key->data, key->len);
            v_release(v_str(key));
            /* the message is built first so that the key does not leak */
            Str *m = str_from_buf(&msg);
            free(msg.data);
            v_release(idx);
            slots[1] = v_str(m); /* owned by the stack, freed at teardown */
            rt_error(vm, in->line, "Undefined variable: 'key \"%s\" not found in dict'", m->data);
        }
        v_release(v_str(key));
        r = *found;
    } else {
        type_error(vm, in->line, "array or dict", obj);
    }
    v_retain(r);
    v_release(obj);
    v_release(idx);
    slots[0] = r;
}

/* §7.11; slots = object, index, value; the updated object replaces slots[0]. */
static void set_index(VM *vm, Frame *f, const Instr *in, Value *slots)
{
    Value obj = slots[0], idx = slots[1], val = slots[2];
    if (obj.type == T_ARR) {
        if (idx.type != T_NUM) rt_error(vm, in->line, "Array index must be a number");
        uint64_t i = num_to_index(idx.as.n);
        if (i >= obj.as.a->len) index_out_of_bounds(vm, in->line, i, obj.as.a->len);
        steal_store_target(vm, f, in + 1, obj);
        Array *a = array_unshare(obj.as.a, 0);
        v_release(a->items[i]);
        a->items[i] = val;
        slots[0] = v_arr(a);
    } else if (obj.type == T_DICT) {
        Str *key = dict_key_of(idx);
        if (!key) bad_key(vm, in->line, idx);
        steal_store_target(vm, f, in + 1, obj);
        Dict *d = dict_unshare(obj.as.d);
        dict_set(d, key, val);
        v_release(v_str(key));
        slots[0] = v_dict(d);
    } else {
        type_error(vm, in->line, "array or dict", obj);
    }
    v_release(idx);
}

static Value make_closure(VM *vm, Frame *f, const Instr *in)
{
    Chunk *target = &vm->prog->chunks[in->a];
    Closure *cl = closure_new(target, in->n);
    const Desc *d = f->chunk->descs + in->b;
    for (uint32_t i = 0; i < in->n; i++) {
        Cell *cell;
        if (d[i].is_local) {
            if (!f->open) f->open = xcalloc(f->chunk->nslots, sizeof(Cell *));
            cell = f->open[d[i].slot];
            if (!cell) {
                /* §14.6: the current value, or none if never assigned */
                Value v = lookup_name(vm, f, d[i].slot, d[i].name);
                if (v.type == T_UNDEF) v = v_none();
                v_retain(v);
                cell = cell_new(v);
                f->open[d[i].slot] = cell;
            }
        } else {
            if (!f->closure || d[i].index >= f->closure->ncells) {
                v_release(v_fn(cl));
                rt_error(vm, -1, "Internal error: upvalue in invalid state: parent upvalue slot %u out of range",
                         d[i].index);
            }
            cell = f->closure->cells[d[i].index];
        }
        cell->hdr.rc++;
        cl->cells[cl->ncells++] = cell;
    }
    return v_fn(cl);
}

static void make_dict(VM *vm, const Instr *in, Value *slots)
{
    uint32_t n = in->n;
    for (uint32_t i = 0; i < n; i++) {
        Value k = slots[2 * i];
        if (k.type != T_STR && k.type != T_NUM) bad_key(vm, in->line, k);
    }
    Dict *d = dict_new(n);
    for (uint32_t i = 0; i < n; i++) {
        Str *key = dict_key_of(slots[2 * i]);
        dict_set(d, key, slots[2 * i + 1]);
        v_release(v_str(key));
        v_release(slots[2 * i]);
    }
    slots[0] = v_dict(d);
}

static void print_value(VM *vm, Value v)
{
    if (v.type == T_STR) {
        vm_write(vm, v.as.s->data, v.as.s->len);
    } else if (v.type == T_NUM) {
        char num[400];
        vm_write(vm, num, fmt_number(v.as.n, num));
    } else {
        Buf b = {0};
        buf_value(&b, v, 0);
        vm_write(vm, b.data ? b.data : "", b.len);
        free(b.data);
    }
    vm_write(vm, "\n", 1);
}

/* §7.2: C fmod.  Whole operands below 2^53 take the exact integer path
 * (same result, sign of the dividend, -0 kept) because fmod is slow. */
static inline double remainder_of(double a, double b)
{
    if (fabs(a) < 9007199254740992.0 && fabs(b) < 9007199254740992.0) {
        int64_t ia = (int64_t)a, ib = (int64_t)b;
        if ((double)ia == a && (double)ib == b) {
            int64_t r = ia % ib;
            return r == 0 ? (signbit(a) ? -0.0 : 0.0) : (double)r;
        }
    }
    return fmod(a, b);
}

/* Runs frames until the frame at index `base` returns (then returns its
 * result) or the program stops (longjmp).  Locals that depend on the
 * current frame are reloaded after anything that can push or pop frames. */
static Value vm_execute(VM *vm, size_t base)
{
    Frame *f;
    const Instr *ip;
    const Instr *code;
    Value *sp, *locals;
    const Value *consts;
    Value *const globals = vm->globals;
    Value *const stack_end = vm->stack_end;
    Value *const floor = vm->floor;

#define SYNC() (vm->sp = sp, f->ip = ip)
#define RELOAD()                                  \
    do {                                          \
        f = &vm->frames[vm->nframes - 1];         \
        ip = f->ip;                               \
        code = f->chunk->instrs;                  \
        consts = f->chunk->consts;                \
        locals = vm->locals + f->lbase;           \
        sp = vm->sp;                              \
    } while (0)
#define PUSH(v)                                   \
    do {                                          \
        if (UNLIKELY(sp >= stack_end)) {          \
            SYNC();                               \
            stack_overflow(vm, in->line);         \
        }                                         \
        *sp++ = (v);                              \
    } while (0)

    RELOAD();
    for (;;) {
        const Instr *in = ip++;
#ifdef WVM_STEP_LIMIT
        if (++vm->steps > WVM_STEP_LIMIT) {
            SYNC();
            vm_stop(vm, 0);
        }
#endif
        if (UNLIKELY(sp < floor + in->need)) {
            SYNC();
            rt_error(vm, -1, "Internal error: stack underflow");
        }
        switch (in->op) {
        case OP_PUSH_CONST: {
            Value v = consts[in->a];
            PUSH(v);
            v_retain(v);
            break;
        }
        case OP_PUSH_TRUE: PUSH(v_bool(true)); break;
        case OP_PUSH_FALSE: PUSH(v_bool(false)); break;
        case OP_PUSH_NONE: PUSH(v_none()); break;

        case OP_LOAD: {
            Value v;
            if (UNLIKELY(f->open && f->open[in->slot])) v = f->open[in->slot]->v;
            else if (f != vm->frames && locals[in->slot].type != T_UNDEF) v = locals[in->slot];
            else if (LIKELY(globals[in->a].type != T_UNDEF)) v = globals[in->a];
            else {
                SYNC();
                rt_error(vm, in->line, "Undefined variable: '%s'", name_of(vm, in->a));
            }
            PUSH(v);
            v_retain(v);
            break;
        }
        case OP_STORE: {
            Value v = *--sp;
            if (UNLIKELY(f->open && f->open[in->slot])) {
                Cell *c = f->open[in->slot];
                Value old = c->v;
                v_retain(v);
                c->v = v;
                v_release(old);
            }
            Value *dst = f == vm->frames ? &globals[in->a] : &locals[in->slot];
            Value old = *dst;
            *dst = v;
            v_release(old);
            break;
        }
        case OP_LOAD_MAIN:
        case OP_LOAD_LOCAL: {
            Value v = locals[in->slot];
            if (in->op == OP_LOAD_MAIN || v.type == T_UNDEF) {
                v = globals[in->a];
                if (UNLIKELY(v.type == T_UNDEF)) {
                    SYNC();
                    rt_error(vm, in->line, "Undefined variable: '%s'", name_of(vm, in->a));
                }
            }
            PUSH(v);
            v_retain(v);
            break;
        }
        case OP_STORE_MAIN:
        case OP_STORE_LOCAL: {
            Value *dst = in->op == OP_STORE_MAIN ? &globals[in->a] : &locals[in->slot];
            Value old = *dst;
            *dst = *--sp;
            v_release(old);
            break;
        }
        case OP_LOAD_GLOBAL: {
            Value v = globals[in->a];
            if (UNLIKELY(v.type == T_UNDEF)) {
                SYNC();
                rt_error(vm, in->line, "Undefined variable: '%s'", name_of(vm, in->a));
            }
            PUSH(v);
            v_retain(v);
            break;
        }
        case OP_LOAD_UPVALUE:
        case OP_STORE_UPVALUE: {
            Closure *cl = f->closure;
            if (UNLIKELY(!cl || in->n >= cl->ncells)) {
                SYNC();
                rt_error(vm, -1, "Internal error: upvalue in invalid state: upvalue slot %u out of range", in->n);
            }
            Cell *c = cl->cells[in->n];
            if (in->op == OP_LOAD_UPVALUE) {
                PUSH(c->v);
                v_retain(c->v);
            } else {
                Value old = c->v;
                c->v = *--sp;
                v_release(old);
            }
            break;
        }
        case OP_CLOSE_UPVALUE:
            break;

        case OP_ADD:
            if (LIKELY(sp[-2].type == T_NUM && sp[-1].type == T_NUM)) {
                sp[-2].as.n += sp[-1].as.n;
            } else {
                SYNC();
                add_slow(vm, f, in, sp - 2);
                locals = vm->locals + f->lbase;
            }
            sp--;
            break;
        case OP_SUB:
        case OP_MUL:
        case OP_DIV:
        case OP_MOD: {
            Value a = sp[-2], b = sp[-1];
            if (UNLIKELY(a.type != T_NUM || b.type != T_NUM)) {
                SYNC();
                number_error(vm, in->line, a, b);
            }
            double r;
            switch (in->op) {
            case OP_SUB: r = a.as.n - b.as.n; break;
            case OP_MUL: r = a.as.n * b.as.n; break;
            default:
                if (UNLIKELY(b.as.n == 0)) {
                    SYNC();
                    rt_error(vm, -1, "Division by zero");
                }
                if (in->op == OP_DIV) r = a.as.n / b.as.n;
                else r = remainder_of(a.as.n, b.as.n);
                break;
            }
            sp[-2].as.n = r;
            sp--;
            break;
        }
        case OP_NEG:
            if (UNLIKELY(sp[-1].type != T_NUM)) {
                SYNC();
                type_error(vm, in->line, "number", sp[-1]);
            }
            sp[-1].as.n = -sp[-1].as.n;
            break;

        case OP_EQ:
        case OP_NEQ: {
            Value a = sp[-2], b = sp[-1];
            bool eq = values_equal(a, b);
            v_release(a);
            v_release(b);
            sp[-2] = v_bool(in->op == OP_EQ ? eq : !eq);
            sp--;
            break;
        }
        case OP_LT:
        case OP_LTE:
        case OP_GT:
        case OP_GTE:
            if (LIKELY(sp[-2].type == T_NUM && sp[-1].type == T_NUM)) {
                double a = sp[-2].as.n, b = sp[-1].as.n;
                bool r = in->op == OP_LT ? a < b : in->op == OP_LTE ? a <= b : in->op == OP_GT ? a > b : a >= b;
                sp[-2] = v_bool(r);
            } else {
                SYNC();
                compare_slow(vm, in, sp - 2);
            }
            sp--;
            break;
        case OP_NOT: {
            Value v = sp[-1];
            bool r = !truthy(v);
            v_release(v);
            sp[-1] = v_bool(r);
            break;
        }

        case OP_JUMP:
            ip = code + in->a;
            break;
        case OP_JUMP_IF_FALSE:
        case OP_JUMP_IF_TRUE: {
            Value v = *--sp;
            bool t = truthy(v);
            v_release(v);
            if (t == (in->op == OP_JUMP_IF_TRUE)) ip = code + in->a;
            break;
        }
        case OP_PEEK_JUMP_IF_FALSE:
            if (!truthy(sp[-1])) ip = code + in->a;
            break;
        case OP_PEEK_JUMP_IF_TRUE:
            if (truthy(sp[-1])) ip = code + in->a;
            break;

        case OP_CALL: {
            uint32_t argc = in->n;
            if (in->b >= 0) { /* builtin (§14.4 step 3) */
                SYNC();
                Value r = call_builtin(vm, f, in, sp - argc, argc);
                locals = vm->locals + f->lbase;
                for (uint32_t i = 0; i < argc; i++) v_release(sp[-(ptrdiff_t)argc + (ptrdiff_t)i]);
                sp -= argc;
                if (UNLIKELY(sp >= stack_end)) {
                    v_release(r);
                    SYNC();
                    stack_overflow(vm, in->line);
                }
                *sp++ = r;
                break;
            }
            Closure *cl = NULL;
            Chunk *target;
            if (in->b == CALL_CALLEE) { /* step 2: the callee lies below the arguments */
                Value callee = sp[-(ptrdiff_t)argc - 1];
                if (callee.type != T_FN) {
                    SYNC();
                    type_error(vm, in->line, "function", callee);
                }
                target = callee.as.fn->chunk;
                if (argc != target->param_count) {
                    SYNC();
                    arity_error(vm, in->line, target->name->data, target->param_count, argc);
                }
                cl = callee.as.fn; /* the stack's reference moves to the frame */
                memmove(sp - argc - 1, sp - argc, argc * sizeof(Value));
                sp--;
            } else { /* steps 4-6: a variable holding a function, then a chunk */
                Value v = lookup_name(vm, f, in->slot, in->a);
                if (v.type == T_FN) {
                    target = v.as.fn->chunk;
                } else if (vm->prog->names[in->a].chunk >= 0) {
                    target = &vm->prog->chunks[vm->prog->names[in->a].chunk];
                } else {
                    /* extension (docs/whispem/kv-extension.md §2): kv_* come last */
                    int kv = kv_which(name_of(vm, in->a));
                    SYNC();
                    if (kv < 0) rt_error(vm, in->line, "Undefined function: '%s'", name_of(vm, in->a));
                    Value r = kv_call(vm, in->line, kv, sp - argc, argc);
                    locals = vm->locals + f->lbase;
                    for (uint32_t i = 0; i < argc; i++) v_release(sp[-(ptrdiff_t)argc + (ptrdiff_t)i]);
                    sp -= argc;
                    if (UNLIKELY(sp >= stack_end)) {
                        v_release(r);
                        SYNC();
                        stack_overflow(vm, in->line);
                    }
                    *sp++ = r;
                    break;
                }
                if (argc != target->param_count) {
                    SYNC();
                    arity_error(vm, in->line, target->name->data, target->param_count, argc);
                }
                if (v.type == T_FN) {
                    cl = v.as.fn;
                    cl->hdr.rc++;
                }
            }
            SYNC();
            frame_push(vm, in->line, target, cl);
            RELOAD();
            break;
        }
        case OP_RETURN:
        case OP_RETURN_NONE: {
            Value r = in->op == OP_RETURN ? *--sp : v_none();
            if (f == vm->frames) { /* D2: return at top level ends the program */
                v_release(r);
                SYNC();
                vm_stop(vm, 0);
            }
            SYNC();
            frame_pop(vm);
            if (vm->nframes == base) return r;
            RELOAD();
            if (UNLIKELY(sp >= stack_end)) {
                v_release(r);
                SYNC();
                stack_overflow(vm, in->line);
            }
            *sp++ = r;
            break;
        }
        case OP_MAKE_CLOSURE: {
            if (UNLIKELY(sp >= stack_end)) {
                SYNC();
                stack_overflow(vm, in->line);
            }
            SYNC();
            *sp++ = make_closure(vm, f, in);
            break;
        }

        case OP_MAKE_ARRAY: {
            uint32_t n = in->n;
            Array *a = array_new(n);
            if (n) memcpy(a->items, sp - n, n * sizeof(Value));
            a->len = n;
            sp -= n;
            if (UNLIKELY(sp >= stack_end)) {
                v_release(v_arr(a));
                SYNC();
                stack_overflow(vm, in->line);
            }
            *sp++ = v_arr(a);
            break;
        }
        case OP_MAKE_DICT: {
            uint32_t n = in->n;
            if (n == 0) {
                PUSH(v_dict(dict_new(0)));
                break;
            }
            SYNC();
            make_dict(vm, in, sp - 2 * n);
            sp -= 2 * n - 1;
            break;
        }
        case OP_GET_INDEX: {
            Value obj = sp[-2], idx = sp[-1];
            if (LIKELY(obj.type == T_ARR && idx.type == T_NUM)) {
                uint64_t i = num_to_index(idx.as.n);
                if (LIKELY(i < obj.as.a->len)) {
                    Value r = obj.as.a->items[i];
                    v_retain(r);
                    v_release(obj);
                    sp[-2] = r;
                    sp--;
                    break;
                }
            }
            SYNC();
            get_index(vm, in, sp - 2);
            sp--;
            break;
        }
        case OP_SET_INDEX:
            SYNC();
            set_index(vm, f, in, sp - 3);
            sp -= 2;
            break;

        case OP_PRINT: {
            Value v = *--sp;
            print_value(vm, v);
            v_release(v);
            break;
        }
        case OP_POP:
            v_release(*--sp);
            break;
        case OP_HALT:
            SYNC();
            vm_stop(vm, 0);
        case OP_END:
        default:
            SYNC();
            rt_error(vm, -1, "Invalid bytecode: execution ran past the end of chunk '%s'", f->chunk->name->data);
        }
    }
#undef SYNC
#undef RELOAD
#undef PUSH
}

/* ======================================================================
 * 9. Builtins (§9)
 *
 * A builtin gets its arguments in place on the value stack (they stay
 * there, owned by the stack, until it returns) and returns a new
 * reference.  Anything a builtin allocates before it may fail is either
 * freed first or parked on the stack, so errors never leak.
 * ====================================================================== */

static void check_array_size(VM *vm, int line, size_t n)
{
    if (n > MAX_ARRAY_LEN)
        rt_error(vm, line, "Out of memory: arrays are limited to %zu elements", (size_t)MAX_ARRAY_LEN);
}

/* REASON as Rust prints an io::Error: "No such file or directory (os error 2)". */
static void os_reason(char *buf, size_t n, int err)
{
    snprintf(buf, n, "%s (os error %d)", strerror(err), err);
}

static Value bi_length(VM *vm, int line, Value *a)
{
    switch (a[0].type) {
    case T_ARR: return v_num((double)a[0].as.a->len);
    case T_STR: return v_num((double)a[0].as.s->nchars);
    case T_DICT: return v_num((double)a[0].as.d->count);
    default: type_error(vm, line, "array, string, or dict", a[0]);
    }
}

static Value bi_push(VM *vm, Frame *f, const Instr *in, Value *a)
{
    if (a[0].type != T_ARR) type_error(vm, in->line, "array", a[0]);
    check_array_size(vm, in->line, a[0].as.a->len + 1);
    steal_store_target(vm, f, in + 1, a[0]);
    Array *arr;
    if (a[0].as.a->hdr.rc == 1) { /* only the stack holds it: append in place */
        arr = a[0].as.a;
        arr->hdr.rc++;
    } else {
        arr = array_copy(a[0].as.a, 1);
    }
    v_retain(a[1]);
    array_push_owned(arr, a[1]);
    return v_arr(arr);
}

static Value bi_pop(VM *vm, int line, Value *a)
{
    if (a[0].type != T_ARR) type_error(vm, line, "array", a[0]);
    if (a[0].as.a->len == 0) rt_error(vm, line, "Cannot pop from an empty array");
    Value v = a[0].as.a->items[a[0].as.a->len - 1];
    v_retain(v);
    return v;
}

static Value bi_reverse(VM *vm, int line, Value *a)
{
    if (a[0].type != T_ARR) type_error(vm, line, "array", a[0]);
    const Array *src = a[0].as.a;
    Array *r = array_new(src->len);
    for (size_t i = 0; i < src->len; i++) {
        r->items[i] = src->items[src->len - 1 - i];
        v_retain(r->items[i]);
    }
    r->len = src->len;
    return v_arr(r);
}

static Value bi_slice(VM *vm, int line, Value *a)
{
    if (a[1].type != T_NUM || a[2].type != T_NUM) rt_error(vm, line, "Array index must be a number");
    uint64_t s = num_to_index(a[1].as.n), e = num_to_index(a[2].as.n);
    if (a[0].type != T_ARR) type_error(vm, line, "array", a[0]);
    const Array *src = a[0].as.a;
    if (s > e)
        rt_error(vm, line, "slice() start %llu cannot be greater than end %llu",
                 (unsigned long long)s, (unsigned long long)e);
    if (e > src->len)
        rt_error(vm, line, "slice() end index %llu out of bounds (length: %zu)", (unsigned long long)e, src->len);
    Array *r = array_new((size_t)(e - s));
    for (uint64_t i = s; i < e; i++) {
        v_retain(src->items[i]);
        r->items[r->len++] = src->items[i];
    }
    return v_arr(r);
}

static Value bi_range(VM *vm, int line, Value *a)
{
    if (a[0].type != T_NUM) type_error(vm, line, "number", a[0]);
    if (a[1].type != T_NUM) type_error(vm, line, "number", a[1]);
    int64_t lo = num_to_i64(a[0].as.n), hi = num_to_i64(a[1].as.n);
    uint64_t count = hi > lo ? (uint64_t)hi - (uint64_t)lo : 0;
    if (count > MAX_ARRAY_LEN) check_array_size(vm, line, SIZE_MAX);
    Array *r = array_new((size_t)count);
    for (uint64_t i = 0; i < count; i++) r->items[i] = v_num((double)(lo + (int64_t)i));
    r->len = (size_t)count;
    return v_arr(r);
}

/* Parks a value on the stack so that an error inside a callback cannot
 * leak it; returns its slot (the stack never moves). */
static Value *park(VM *vm, int line, Value v)
{
    if (vm->sp >= vm->stack_end) {
        v_release(v);
        stack_overflow(vm, line);
    }
    *vm->sp = v;
    return vm->sp++;
}

static Value unpark(VM *vm)
{
    return *--vm->sp;
}

/* map and filter (§9, §14.5). */
static Value bi_map_filter(VM *vm, int line, Value *a, bool is_filter)
{
    if (a[0].type != T_ARR) type_error(vm, line, "array", a[0]);
    const Array *src = a[0].as.a; /* kept alive by its stack slot */
    Value *res = park(vm, line, v_arr(array_new(is_filter ? 0 : src->len)));
    for (size_t i = 0; i < src->len; i++) {
        Value x = src->items[i];
        Value r = vm_call_value(vm, line, a[1], &x, 1);
        if (is_filter) {
            bool keep = truthy(r);
            v_release(r);
            if (keep) {
                v_retain(x);
                array_push_owned(res->as.a, x);
            }
        } else {
            array_push_owned(res->as.a, r);
        }
    }
    return unpark(vm);
}

static Value bi_reduce(VM *vm, int line, Value *a)
{
    if (a[0].type != T_ARR) type_error(vm, line, "array", a[0]);
    const Array *src = a[0].as.a;
    v_retain(a[2]);
    Value *acc = park(vm, line, a[2]);
    for (size_t i = 0; i < src->len; i++) {
        Value pair[2] = {*acc, src->items[i]};
        Value r = vm_call_value(vm, line, a[1], pair, 2);
        Value old = *acc;
        *acc = r;
        v_release(old);
    }
    return unpark(vm);
}

static Value bi_keys_values(VM *vm, int line, Value *a, bool want_keys)
{
    if (a[0].type != T_DICT) type_error(vm, line, "dict", a[0]);
    const Dict *d = a[0].as.d;
    Str **keys = dict_sorted_keys(d);
    Array *r = array_new(d->count);
    for (size_t i = 0; i < d->count; i++) {
        Value v = want_keys ? v_str(keys[i]) : *dict_get(d, keys[i]);
        v_retain(v);
        r->items[i] = v;
    }
    r->len = d->count;
    free(keys);
    return v_arr(r);
}

static Value bi_has_key(VM *vm, int line, Value *a)
{
    if (a[0].type != T_DICT) type_error(vm, line, "dict", a[0]);
    Str *key = dict_key_of(a[1]);
    if (!key) bad_key(vm, line, a[1]);
    bool found = dict_get(a[0].as.d, key) != NULL;
    v_release(v_str(key));
    return v_bool(found);
}

static Value bi_char_at(VM *vm, int line, Value *a)
{
    if (a[0].type != T_STR || a[1].type != T_NUM)
        rt_error(vm, line, "Type error: expected string, number, found wrong types");
    const Str *s = a[0].as.s;
    uint64_t i = num_to_index(a[1].as.n);
    if (i >= s->nchars) index_out_of_bounds(vm, line, i, s->nchars);
    size_t off = utf8_offset(s, (size_t)i), used;
    utf8_decode(s->data + off, s->len - off, &used);
    return v_str(str_new(s->data + off, used));
}

static Value bi_substr(VM *vm, int line, Value *a)
{
    if (a[0].type != T_STR || a[1].type != T_NUM || a[2].type != T_NUM)
        rt_error(vm, line, "Type error: expected string, number, number, found wrong types");
    const Str *s = a[0].as.s;
    uint64_t n = s->nchars;
    uint64_t start = num_to_index(a[1].as.n), len = num_to_index(a[2].as.n);
    uint64_t end = len > n || start > n - len ? n : start + len; /* D7: no overflow */
    if (start > n) start = n;
    if (end < start) end = start;
    size_t from = utf8_offset(s, (size_t)start), to = utf8_offset(s, (size_t)end);
    return v_str(str_new(s->data + from, to - from));
}

static Value bi_ord(VM *vm, int line, Value *a)
{
    if (a[0].type != T_STR) type_error(vm, line, "string", a[0]);
    const Str *s = a[0].as.s;
    if (s->len == 0) rt_error(vm, line, "Type error: expected non-empty string, found empty string");
    size_t used;
    return v_num((double)utf8_decode(s->data, s->len, &used));
}

static Value bi_num_to_str(VM *vm, int line, Value *a)
{
    if (a[0].type != T_NUM) type_error(vm, line, "number", a[0]);
    char buf[400];
    return v_str(str_new(buf, fmt_num_to_str(a[0].as.n, buf)));
}

/* Unicode White_Space, as Rust's str::trim. */
static bool is_unicode_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

static bool ascii_ieq(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return false;
    }
    return true;
}

/* Rust f64::from_str grammar: [+-] (inf|infinity|nan | digits[.digits] |
 * .digits) [(e|E)[+-]digits]; conversion is left to strtod once the text
 * is known to be in that grammar. */
static bool parse_rust_f64(const char *s, size_t n, double *out)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    const char *body = s + i;
    size_t bn = n - i;
    if (ascii_ieq(body, bn, "inf") || ascii_ieq(body, bn, "infinity") || ascii_ieq(body, bn, "nan")) {
        bool nan = ascii_ieq(body, bn, "nan");
        *out = nan ? NAN : (s[0] == '-' ? -INFINITY : INFINITY);
        return true;
    }
    size_t int_digits = 0, frac_digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') { i++; int_digits++; }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') { i++; frac_digits++; }
    }
    if (int_digits + frac_digits == 0) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t exp_digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') { i++; exp_digits++; }
        if (!exp_digits) return false;
    }
    if (i != n) return false;
    char *tmp = xmalloc(n + 1);
    memcpy(tmp, s, n);
    tmp[n] = 0;
    *out = strtod(tmp, NULL);
    free(tmp);
    return true;
}

static Value bi_str_to_num(VM *vm, int line, Value *a)
{
    if (a[0].type != T_STR) type_error(vm, line, "string", a[0]);
    const Str *s = a[0].as.s;
    size_t from = 0, to = s->len, used;
    while (from < to) {
        uint32_t c = utf8_decode(s->data + from, to - from, &used);
        if (!is_unicode_space(c)) break;
        from += used;
    }
    while (to > from) {
        size_t start = to - 1;
        while (start > from && ((uint8_t)s->data[start] & 0xC0) == 0x80) start--;
        uint32_t c = utf8_decode(s->data + start, to - start, &used);
        if (!is_unicode_space(c)) break;
        to = start;
    }
    double d;
    if (!parse_rust_f64(s->data + from, to - from, &d))
        rt_error(vm, line, "Type error: expected numeric string, found \"%s\"", s->data);
    return v_num(d);
}

static Value bi_num_to_hex(VM *vm, int line, Value *a)
{
    if (a[0].type != T_NUM) type_error(vm, line, "number", a[0]);
    uint64_t bits;
    memcpy(&bits, &a[0].as.n, sizeof bits);
    char buf[24];
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)bits);
    return v_str(str_from_cstr(buf));
}

static Value bi_assert(VM *vm, int line, Value *a, uint32_t argc)
{
    if (truthy(a[0])) return v_none();
    if (argc < 2) rt_error(vm, line, "Assertion failed: assertion failed");
    Str *msg = value_to_str(a[1]);
    /* park the message so that it is freed at teardown */
    park(vm, line, v_str(msg));
    rt_error(vm, line, "Assertion failed: %s", msg->data);
}

static Value bi_exit(VM *vm, int line, Value *a, uint32_t argc)
{
    int64_t code = 0;
    if (argc == 1) {
        if (a[0].type != T_NUM) type_error(vm, line, "number", a[0]);
        code = num_to_i64(a[0].as.n); /* D10: i64, then i32, then the OS keeps 8 bits */
    }
    fflush(stdout);
    vm_stop(vm, (int)((uint32_t)code & 0xFF));
}

static Value bi_input(VM *vm, int line, Value *a, uint32_t argc)
{
    if (argc == 1) {
        if (a[0].type != T_STR) type_error(vm, line, "string", a[0]);
        vm_write(vm, a[0].as.s->data, a[0].as.s->len);
    }
    if (vm->quiet) return v_str(str_new("", 0));
    fflush(stdout);
    char *lineb = NULL;
    size_t cap = 0;
    ssize_t n = getline(&lineb, &cap, stdin);
    if (n < 0) n = 0;
    while (n > 0 && lineb[n - 1] == '\n') n--;
    while (n > 0 && lineb[n - 1] == '\r') n--;
    Value r = v_str(str_new(lineb ? lineb : "", (size_t)n));
    free(lineb);
    return r;
}

static Value bi_read_file(VM *vm, int line, Value *a)
{
    if (a[0].type != T_STR) type_error(vm, line, "string", a[0]);
    const char *path = a[0].as.s->data;
    char reason[256];
    if (vm->quiet) rt_error(vm, line, "Failed to read '%s': file system disabled", path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        os_reason(reason, sizeof reason, errno);
        rt_error(vm, line, "Failed to read '%s': %s", path, reason);
    }
    Buf b = {0};
    char chunk[65536];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0) {
            if (errno == EINTR) continue;
            os_reason(reason, sizeof reason, errno);
            close(fd);
            free(b.data);
            rt_error(vm, line, "Failed to read '%s': %s", path, reason);
        }
        if (got == 0) break;
        buf_put(&b, chunk, (size_t)got);
        if (b.len > MAX_STR_BYTES) {
            close(fd);
            free(b.data);
            check_str_size(vm, line, SIZE_MAX, 0);
        }
    }
    close(fd);
    if (!utf8_valid((const uint8_t *)(b.data ? b.data : ""), b.len)) {
        free(b.data);
        rt_error(vm, line, "Failed to read '%s': stream did not contain valid UTF-8", path);
    }
    Str *s = str_from_buf(&b);
    free(b.data);
    return v_str(s);
}

/* Writes bytes to path, creating or truncating it; returns 0 or errno. */
static int write_bytes(const char *path, const char *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) return errno;
    while (n) {
        ssize_t put = write(fd, data, n);
        if (put < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            close(fd);
            return err;
        }
        data += put;
        n -= (size_t)put;
    }
    return close(fd) ? errno : 0;
}

static Value bi_write_file(VM *vm, int line, Value *a)
{
    if (a[0].type != T_STR) type_error(vm, line, "string", a[0]);
    if (vm->quiet) return v_none();
    Str *content = value_to_str(a[1]);
    int err = write_bytes(a[0].as.s->data, content->data, content->len);
    v_release(v_str(content));
    if (err) {
        char reason[256];
        os_reason(reason, sizeof reason, err);
        rt_error(vm, line, "Failed to write '%s': %s", a[0].as.s->data, reason);
    }
    return v_none();
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static Value bi_write_hex(VM *vm, int line, Value *a)
{
    if (a[0].type != T_STR) type_error(vm, line, "string", a[0]);
    if (a[1].type != T_STR) type_error(vm, line, "string", a[1]);
    const Str *hex = a[1].as.s;
    if (hex->len % 2 != 0 || hex->nchars != hex->len) /* D7 */
        rt_error(vm, line, "Type error: expected hex string of even length, found string of length %zu",
                 hex->nchars);
    if (vm->quiet) return v_none();
    size_t n = hex->len / 2;
    char *bytes = xmalloc(n);
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex->data[2 * i]), lo = hex_digit(hex->data[2 * i + 1]);
        bytes[i] = (char)(hi < 0 || lo < 0 ? 0 : hi * 16 + lo); /* invalid pair -> 0 */
    }
    int err = write_bytes(a[0].as.s->data, bytes, n);
    free(bytes);
    if (err) {
        char reason[256];
        os_reason(reason, sizeof reason, err);
        rt_error(vm, line, "Failed to write '%s': %s", a[0].as.s->data, reason);
    }
    return v_none();
}

static Value bi_args(VM *vm)
{
    Array *r = array_new((size_t)vm->argc);
    for (int i = 0; i < vm->argc; i++) r->items[r->len++] = v_str(str_from_cstr(vm->argv[i]));
    return v_arr(r);
}

/* Arity per builtin: [min, max]; the error names `expected` (§9). */
static const struct { uint8_t min, max, expected; } builtin_arity[B_COUNT] = {
    [B_LENGTH] = {1, 1, 1}, [B_PUSH] = {2, 2, 2}, [B_POP] = {1, 1, 1}, [B_REVERSE] = {1, 1, 1},
    [B_SLICE] = {3, 3, 3}, [B_RANGE] = {2, 2, 2}, [B_MAP] = {2, 2, 2}, [B_FILTER] = {2, 2, 2},
    [B_REDUCE] = {3, 3, 3}, [B_KEYS] = {1, 1, 1}, [B_VALUES] = {1, 1, 1}, [B_HAS_KEY] = {2, 2, 2},
    [B_CHAR_AT] = {2, 2, 2}, [B_SUBSTR] = {3, 3, 3}, [B_ORD] = {1, 1, 1}, [B_NUM_TO_STR] = {1, 1, 1},
    [B_STR_TO_NUM] = {1, 1, 1}, [B_NUM_TO_HEX] = {1, 1, 1}, [B_TYPE_OF] = {1, 1, 1},
    [B_ASSERT] = {1, 2, 2}, [B_EXIT] = {0, 1, 1}, [B_INPUT] = {0, 1, 1}, [B_READ_FILE] = {1, 1, 1},
    [B_WRITE_FILE] = {2, 2, 2}, [B_WRITE_HEX] = {2, 2, 2}, [B_ARGS] = {0, 0, 0},
};

static Value call_builtin(VM *vm, Frame *f, const Instr *in, Value *a, uint32_t argc)
{
    BuiltinId id = (BuiltinId)in->b;
    int line = in->line;
    if (argc < builtin_arity[id].min || argc > builtin_arity[id].max)
        arity_error(vm, line, builtin_names[id], builtin_arity[id].expected, argc);
    switch (id) {
    case B_LENGTH: return bi_length(vm, line, a);
    case B_PUSH: return bi_push(vm, f, in, a);
    case B_POP: return bi_pop(vm, line, a);
    case B_REVERSE: return bi_reverse(vm, line, a);
    case B_SLICE: return bi_slice(vm, line, a);
    case B_RANGE: return bi_range(vm, line, a);
    case B_MAP: return bi_map_filter(vm, line, a, false);
    case B_FILTER: return bi_map_filter(vm, line, a, true);
    case B_REDUCE: return bi_reduce(vm, line, a);
    case B_KEYS: return bi_keys_values(vm, line, a, true);
    case B_VALUES: return bi_keys_values(vm, line, a, false);
    case B_HAS_KEY: return bi_has_key(vm, line, a);
    case B_CHAR_AT: return bi_char_at(vm, line, a);
    case B_SUBSTR: return bi_substr(vm, line, a);
    case B_ORD: return bi_ord(vm, line, a);
    case B_NUM_TO_STR: return bi_num_to_str(vm, line, a);
    case B_STR_TO_NUM: return bi_str_to_num(vm, line, a);
    case B_NUM_TO_HEX: return bi_num_to_hex(vm, line, a);
    case B_TYPE_OF: return v_str(str_from_cstr(type_name(a[0])));
    case B_ASSERT: return bi_assert(vm, line, a, argc);
    case B_EXIT: return bi_exit(vm, line, a, argc);
    case B_INPUT: return bi_input(vm, line, a, argc);
    case B_READ_FILE: return bi_read_file(vm, line, a);
    case B_WRITE_FILE: return bi_write_file(vm, line, a);
    case B_WRITE_HEX: return bi_write_hex(vm, line, a);
    case B_ARGS: return bi_args(vm);
    default: return v_none();
    }
}

/* ======================================================================
 * 9b. The kv_* extension (docs/whispem/kv-extension.md)
 *
 * kv_get/kv_put/kv_delete/kv_list talk plain HTTP/1.1 to MINIKV_URL.  They
 * are tried at a CALL only after builtins, variables holding functions and
 * named functions, so no Whispem 6 program changes meaning.  Every buffer,
 * the socket and the partial key list are owned by the VM, so a runtime
 * error (a longjmp) leaves nothing behind: vm_free releases them.
 * ====================================================================== */

enum { KV_GET, KV_PUT, KV_DELETE, KV_LIST };
static const char *const kv_fn_names[] = {"kv_get", "kv_put", "kv_delete", "kv_list"};

#define KV_MAX_HEAD 65536
#define KV_MAX_BODY ((size_t)64 << 20)
#define KV_MAX_DEPTH 64

static int kv_which(const char *name)
{
    if (strncmp(name, "kv_", 3) != 0) return -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(name, kv_fn_names[i]) == 0) return i;
    return -1;
}

typedef struct KvConf {
    const char *fn;
    const char *url;            /* MINIKV_URL as given */
    size_t endpoint_len;        /* ENDPOINT = url[0 .. endpoint_len) */
    const char *host; size_t host_len;       /* Host header text host[:port] */
    const char *name; size_t name_len;       /* host for the resolver (no brackets) */
    unsigned port;
    const char *base; size_t base_len;       /* base path without trailing '/' */
    const char *token;          /* NULL when unset or empty */
    long timeout_ms;
    const char *timeout_text;
} KvConf;

static void kv_release(VM *vm)
{
    if (vm->kv_fd >= 0) close(vm->kv_fd);
    vm->kv_fd = -1;
    for (int i = 0; i < KV_NBUFS; i++) {
        free(vm->kv_buf[i].data);
        vm->kv_buf[i].data = NULL;
        vm->kv_buf[i].len = vm->kv_buf[i].cap = 0;
    }
    if (vm->kv_keys) v_release(v_arr(vm->kv_keys));
    vm->kv_keys = NULL;
}

/* Buffers: request, response bytes, body, scratch (host name, item key),
 * cursor sent, next cursor, JSON member names, JSON member records, the
 * first Content-Length value. */
enum { KB_REQ, KB_RESP, KB_BODY, KB_TMP, KB_CUR, KB_NEXT, KB_NAMES, KB_RECS, KB_CL };

static _Noreturn void kv_fail_ep(VM *vm, int line, const KvConf *c, const char *pre, const char *post)
{
    /* ENDPOINT may be long: format without a fixed-size buffer. */
    if (vm->kv_fd >= 0) close(vm->kv_fd);
    vm->kv_fd = -1;
    rt_error(vm, line, "%s: %s%.*s%s", c->fn, pre, (int)c->endpoint_len, c->url, post);
}

static _Noreturn void kv_invalid(VM *vm, int line, const KvConf *c)
{
    kv_fail_ep(vm, line, c, "invalid response from ", "");
}

static bool kv_url_parse(const char *u, KvConf *c)
{
    if (strncmp(u, "http://", 7) != 0) return false;
    const char *p = u + 7, *q = p;
    if (*q == '[') {
        q++;
        while (isxdigit((unsigned char)*q) || *q == ':' || *q == '.') q++;
        if (q == p + 1 || *q != ']') return false;
        c->name = p + 1;
        c->name_len = (size_t)(q - p - 1);
        q++;
    } else {
        while (isalnum((unsigned char)*q) || *q == '-' || *q == '.') q++;
        if (q == p) return false;
        c->name = p;
        c->name_len = (size_t)(q - p);
    }
    c->port = 80;
    if (*q == ':') {
        q++;
        unsigned port = 0;
        int digits = 0;
        while (*q >= '0' && *q <= '9') {
            port = port * 10 + (unsigned)(*q - '0');
            q++;
            if (++digits > 5) return false;
        }
        if (digits == 0 || port < 1 || port > 65535) return false;
        c->port = port;
    }
    c->host = p;
    c->host_len = (size_t)(q - p);
    if (*q && *q != '/') return false;
    c->base = q;
    for (const char *r = q; *r; r++) {
        unsigned char b = (unsigned char)*r;
        if (b < 0x21 || b > 0x7E || b == '?' || b == '#') return false;
    }
    size_t len = strlen(u);
    while (len > 0 && u[len - 1] == '/' && u + len > q) len--;
    c->endpoint_len = len;
    c->base_len = (size_t)(u + len - q);
    return true;
}

static void kv_config(VM *vm, int line, KvConf *c)
{
#ifdef WVM_FUZZ
    const char *url = NULL; /* fuzzing: never any network */
#else
    const char *url = getenv("MINIKV_URL");
#endif
    if (!url || !*url) rt_error(vm, line, "%s: MINIKV_URL is not set", c->fn);
    c->url = url;
    if (!kv_url_parse(url, c))
        rt_error(vm, line, "%s: MINIKV_URL must be http://host[:port][/path], got '%s'", c->fn, url);
    const char *token = getenv("MINIKV_TOKEN");
    c->token = NULL;
    if (token && *token) {
        for (const char *t = token; *t; t++)
            if ((unsigned char)*t < 0x21 || (unsigned char)*t > 0x7E)
                rt_error(vm, line, "%s: MINIKV_TOKEN must be visible ASCII characters without spaces", c->fn);
        c->token = token;
    }
    const char *tm = getenv("MINIKV_TIMEOUT_MS");
    c->timeout_ms = 10000;
    if (tm && *tm) {
        long v = 0;
        bool ok = true;
        for (const char *t = tm; *t; t++) {
            if (*t < '0' || *t > '9') { ok = false; break; }
            v = v * 10 + (*t - '0');
            if (v > 3600000) { ok = false; break; }
        }
        if (!ok || v < 1)
            rt_error(vm, line, "%s: MINIKV_TIMEOUT_MS must be a whole number from 1 to 3600000, got '%s'",
                     c->fn, tm);
        c->timeout_ms = v;
    }
}

/* Percent-encoding of §6: unreserved bytes stay, the rest become %XX. */
static void kv_pct(Buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            buf_putc(b, (char)ch);
        } else {
            char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            buf_put(b, e, 3);
        }
    }
}

/* ---- sockets with one deadline ---- */

static int64_t kv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct KvIo {
    VM *vm;
    int line;
    const KvConf *c;
    int64_t deadline;
    size_t pos;        /* read position in vm->kv_buf[KB_RESP] */
} KvIo;

static _Noreturn void kv_timeout(KvIo *io)
{
    if (io->vm->kv_fd >= 0) close(io->vm->kv_fd);
    io->vm->kv_fd = -1;
    rt_error(io->vm, io->line, "%s: timed out after %ld ms talking to %.*s", io->c->fn,
             io->c->timeout_ms, (int)io->c->endpoint_len, io->c->url);
}

static _Noreturn void kv_closed(KvIo *io)
{
    kv_fail_ep(io->vm, io->line, io->c, "connection to ", " closed before a complete response");
}

/* Waits for events on the socket; raises the timeout error when the deadline passes. */
static void kv_wait(KvIo *io, int fd, short events)
{
    for (;;) {
        int64_t left = io->deadline - kv_now_ms();
        if (left <= 0) kv_timeout(io);
        struct pollfd pfd = {fd, events, 0};
        int r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
        if (r > 0) return;
        if (r < 0 && errno != EINTR) return; /* the following call reports the error */
    }
}

static void kv_connect(KvIo *io)
{
    VM *vm = io->vm;
    const KvConf *c = io->c;
    Buf *name = &vm->kv_buf[KB_TMP];
    name->len = 0;
    buf_put(name, c->name, c->name_len);
    char port[8];
    snprintf(port, sizeof port, "%u", c->port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(name->data, port, &hints, &res) != 0 || !res) {
        if (res) freeaddrinfo(res);
        kv_fail_ep(vm, io->line, c, "cannot reach ", ": unknown host");
    }
    io->deadline = kv_now_ms() + c->timeout_ms;
    bool all_refused = true, timed_out = false;
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (io->deadline - kv_now_ms() <= 0) { timed_out = true; break; }
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) { all_refused = false; continue; }
        int fl = fcntl(fd, F_GETFL, 0);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
            close(fd); fd = -1; all_refused = false; continue;
        }
        int err = 0;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            err = errno;
            if (err == EINPROGRESS || err == EINTR) {
                bool ready = false;
                for (;;) {
                    int64_t left = io->deadline - kv_now_ms();
                    if (left <= 0) break;
                    struct pollfd pfd = {fd, POLLOUT, 0};
                    int r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
                    if (r > 0) { ready = true; break; }
                    if (r < 0 && errno != EINTR) { ready = true; break; }
                }
                if (!ready) { close(fd); fd = -1; timed_out = true; break; }
                socklen_t len = sizeof err;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
            }
        }
        if (err == 0) break;
        if (err != ECONNREFUSED) all_refused = false;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (timed_out) kv_timeout(io);
    if (fd < 0)
        kv_fail_ep(vm, io->line, c, "cannot reach ",
                   all_refused ? ": connection refused" : ": connection failed");
    vm->kv_fd = fd;
}

static void kv_send_all(KvIo *io, const char *p, size_t n)
{
    int fd = io->vm->kv_fd;
    while (n > 0) {
        kv_wait(io, fd, POLLOUT);
#ifdef MSG_NOSIGNAL
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
#else
        ssize_t w = send(fd, p, n, 0);
#endif
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            kv_closed(io);
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Reads more bytes into the response buffer; false at end of stream. */
static bool kv_fill(KvIo *io)
{
    Buf *b = &io->vm->kv_buf[KB_RESP];
    if (io->pos == b->len) io->pos = b->len = 0;
    int fd = io->vm->kv_fd;
    for (;;) {
        kv_wait(io, fd, POLLIN);
        buf_reserve(b, 65536);
        ssize_t r = recv(fd, b->data + b->len, 65536, 0);
        if (r > 0) { b->len += (size_t)r; return true; }
        if (r == 0) return false;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        kv_closed(io);
    }
}

static int kv_byte(KvIo *io)
{
    Buf *b = &io->vm->kv_buf[KB_RESP];
    if (io->pos == b->len && !kv_fill(io)) return -1;
    return (unsigned char)b->data[io->pos++];
}

/* One line without LF and one CR before it, into KB_TMP; counts against *budget. */
static Buf *kv_line(KvIo *io, long *budget)
{
    Buf *t = &io->vm->kv_buf[KB_TMP];
    t->len = 0;
    buf_reserve(t, 0);
    for (;;) {
        int ch = kv_byte(io);
        if (ch < 0) kv_closed(io);
        if (--*budget < 0) kv_invalid(io->vm, io->line, io->c);
        if (ch == '\n') break;
        buf_putc(t, (char)ch);
    }
    if (t->len > 0 && t->data[t->len - 1] == '\r') t->data[--t->len] = 0;
    return t;
}

static void kv_exactly(KvIo *io, size_t n)
{
    Buf *b = &io->vm->kv_buf[KB_RESP], *body = &io->vm->kv_buf[KB_BODY];
    while (n > 0) {
        if (io->pos == b->len && !kv_fill(io)) kv_closed(io);
        size_t take = b->len - io->pos < n ? b->len - io->pos : n;
        buf_put(body, b->data + io->pos, take);
        io->pos += take;
        n -= take;
    }
}

static bool kv_token_char(unsigned char ch)
{
    return isalnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static void kv_trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) { (*s)++; (*n)--; }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

static bool kv_ieq(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != word[i]) return false;
    return true;
}

/* One request/response; the body lands in KB_BODY, the status is returned. */
static int kv_exchange(VM *vm, int line, const KvConf *c, const char *method, const Buf *target,
                       const char *body, size_t body_len, bool has_body)
{
    Buf *req = &vm->kv_buf[KB_REQ];
    req->len = 0;
    buf_puts(req, method);
    buf_putc(req, ' ');
    buf_put(req, target->data, target->len);
    buf_puts(req, " HTTP/1.1\r\nHost: ");
    buf_put(req, c->host, c->host_len);
    buf_puts(req, "\r\nUser-Agent: whispem-kv/1\r\n");
    if (c->token) {
        buf_puts(req, "Authorization: Bearer ");
        buf_puts(req, c->token);
        buf_puts(req, "\r\n");
    }
    if (has_body) {
        char cl[64];
        snprintf(cl, sizeof cl, "Content-Length: %zu\r\n", body_len);
        buf_puts(req, "Content-Type: application/octet-stream\r\n");
        buf_puts(req, cl);
    }
    buf_puts(req, "Connection: close\r\n\r\n");
    if (has_body) buf_put(req, body, body_len);

    KvIo io = {vm, line, c, 0, 0};
    vm->kv_buf[KB_RESP].len = 0;
    vm->kv_buf[KB_BODY].len = 0;
    buf_reserve(&vm->kv_buf[KB_BODY], 0);
    kv_connect(&io);
    kv_send_all(&io, req->data, req->len);

    long budget = KV_MAX_HEAD;
    Buf *l = kv_line(&io, &budget);
    const char *s = l->data;
    if (l->len < 12 || strncmp(s, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)s[7]) || s[8] != ' '
        || !isdigit((unsigned char)s[9]) || !isdigit((unsigned char)s[10])
        || !isdigit((unsigned char)s[11]) || (l->len > 12 && s[12] != ' '))
        kv_invalid(vm, line, c);
    int status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    bool has_te = false, te_chunked = false, has_cl = false;
    size_t clen = 0;
    bool cl_big = false;
    Buf *clv = &vm->kv_buf[KB_CL];
    clv->len = 0;
    for (;;) {
        l = kv_line(&io, &budget);
        if (l->len == 0) break;
        const char *colon = memchr(l->data, ':', l->len);
        if (!colon || colon == l->data) kv_invalid(vm, line, c);
        size_t nlen = (size_t)(colon - l->data);
        for (size_t i = 0; i < nlen; i++)
            if (!kv_token_char((unsigned char)l->data[i])) kv_invalid(vm, line, c);
        const char *v = colon + 1;
        size_t vlen = l->len - nlen - 1;
        kv_trim(&v, &vlen);
        if (kv_ieq(l->data, nlen, "transfer-encoding")) {
            has_te = true;
            /* occurrences are joined by ','; the last non-empty coding counts */
            size_t from = 0;
            for (size_t i = 0; i <= vlen; i++) {
                if (i < vlen && v[i] != ',') continue;
                if (i > from) {
                    const char *seg = v + from;
                    size_t slen = i - from;
                    kv_trim(&seg, &slen);
                    te_chunked = kv_ieq(seg, slen, "chunked");
                }
                from = i + 1;
            }
        } else if (kv_ieq(l->data, nlen, "content-length")) {
            if (vlen == 0) kv_invalid(vm, line, c);
            for (size_t i = 0; i < vlen; i++)
                if (!isdigit((unsigned char)v[i])) kv_invalid(vm, line, c);
            /* all occurrences must be the same text */
            if (has_cl && (clv->len != vlen || memcmp(clv->data, v, vlen) != 0))
                kv_invalid(vm, line, c);
            if (!has_cl) {
                buf_put(clv, v, vlen);
                size_t i = 0;
                while (i + 1 < vlen && v[i] == '0') i++;
                if (vlen - i > 9) {
                    cl_big = true;
                } else {
                    for (; i < vlen; i++) clen = clen * 10 + (size_t)(v[i] - '0');
                }
            }
            has_cl = true;
        }
    }
    if ((status >= 100 && status < 200) || status == 204 || status == 304) {
        close(vm->kv_fd);
        vm->kv_fd = -1;
        return status;
    }
    Buf *bodyb = &vm->kv_buf[KB_BODY];
    if (has_te) {
        if (!te_chunked) kv_invalid(vm, line, c);
        for (;;) {
            long lb = KV_MAX_HEAD;
            l = kv_line(&io, &lb);
            const char *h = l->data;
            size_t hlen = l->len;
            const char *semi = memchr(h, ';', hlen);
            if (semi) hlen = (size_t)(semi - h);
            kv_trim(&h, &hlen);
            if (hlen == 0 || hlen > 8) kv_invalid(vm, line, c);
            size_t size = 0;
            for (size_t i = 0; i < hlen; i++) {
                if (!isxdigit((unsigned char)h[i])) kv_invalid(vm, line, c);
                int d = isdigit((unsigned char)h[i]) ? h[i] - '0' : tolower((unsigned char)h[i]) - 'a' + 10;
                size = size * 16 + (size_t)d;
            }
            if (size == 0) break;
            if (bodyb->len + size > KV_MAX_BODY) kv_invalid(vm, line, c);
            kv_exactly(&io, size);
            long two = 2;
            if (kv_line(&io, &two)->len != 0) kv_invalid(vm, line, c);
        }
        while (kv_line(&io, &budget)->len != 0) {
        }
    } else if (has_cl) {
        if (cl_big || clen > KV_MAX_BODY) kv_invalid(vm, line, c);
        kv_exactly(&io, clen);
    } else {
        Buf *b = &vm->kv_buf[KB_RESP];
        for (;;) {
            if (io.pos < b->len) {
                size_t n = b->len - io.pos;
                if (bodyb->len + n > KV_MAX_BODY) kv_invalid(vm, line, c);
                buf_put(bodyb, b->data + io.pos, n);
                io.pos = b->len;
            }
            if (!kv_fill(&io)) break;
        }
    }
    close(vm->kv_fd);
    vm->kv_fd = -1;
    return status;
}

/* ---- strict JSON for kv_list pages (§7) ---- */

typedef struct KvJson {
    VM *vm;
    const char *s;
    size_t n, i;
    int depth;
    bool items_seen;
    bool has_next;
} KvJson;

enum { JR_ANY, JR_TOP, JR_ITEMS, JR_ITEM };

static void kj_ws(KvJson *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r'))
        j->i++;
}

static int kj_hex4(KvJson *j)
{
    if (j->n - j->i < 4) return -1;
    int v = 0;
    for (int k = 0; k < 4; k++) {
        char ch = j->s[j->i + (size_t)k];
        int d = isdigit((unsigned char)ch) ? ch - '0'
              : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10
              : (ch >= 'A' && ch <= 'F') ? ch - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    j->i += 4;
    return v;
}

static void kj_utf8(Buf *b, uint32_t cp)
{
    char e[4];
    size_t n;
    if (cp < 0x80) { e[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { e[0] = (char)(0xC0 | (cp >> 6)); e[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        e[0] = (char)(0xE0 | (cp >> 12)); e[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        e[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        e[0] = (char)(0xF0 | (cp >> 18)); e[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        e[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); e[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    if (b) buf_put(b, e, n);
}

/* A string at j->i (the opening quote); decoded bytes appended to out if non-NULL. */
static bool kj_string(KvJson *j, Buf *out)
{
    if (j->i >= j->n || j->s[j->i] != '"') return false;
    j->i++;
    for (;;) {
        if (j->i >= j->n) return false;
        unsigned char ch = (unsigned char)j->s[j->i];
        if (ch == '"') { j->i++; return true; }
        if (ch < 0x20) return false;
        if (ch != '\\') {
            size_t start = j->i;
            while (j->i < j->n && j->s[j->i] != '"' && j->s[j->i] != '\\'
                   && (unsigned char)j->s[j->i] >= 0x20)
                j->i++;
            if (out) buf_put(out, j->s + start, j->i - start);
            continue;
        }
        j->i++;
        if (j->i >= j->n) return false;
        char e = j->s[j->i++];
        switch (e) {
        case '"': if (out) buf_putc(out, '"'); break;
        case '\\': if (out) buf_putc(out, '\\'); break;
        case '/': if (out) buf_putc(out, '/'); break;
        case 'b': if (out) buf_putc(out, '\b'); break;
        case 'f': if (out) buf_putc(out, '\f'); break;
        case 'n': if (out) buf_putc(out, '\n'); break;
        case 'r': if (out) buf_putc(out, '\r'); break;
        case 't': if (out) buf_putc(out, '\t'); break;
        case 'u': {
            int hi = kj_hex4(j);
            if (hi < 0) return false;
            uint32_t cp = (uint32_t)hi;
            if (hi >= 0xDC00 && hi <= 0xDFFF) return false;
            if (hi >= 0xD800 && hi <= 0xDBFF) {
                if (j->n - j->i < 2 || j->s[j->i] != '\\' || j->s[j->i + 1] != 'u') return false;
                j->i += 2;
                int lo = kj_hex4(j);
                if (lo < 0xDC00 || lo > 0xDFFF) return false;
                cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            }
            kj_utf8(out, cp);
            break;
        }
        default: return false;
        }
    }
}

static bool kj_number(KvJson *j)
{
    const char *s = j->s;
    if (j->i < j->n && s[j->i] == '-') j->i++;
    if (j->i >= j->n) return false;
    if (s[j->i] == '0') j->i++;
    else if (s[j->i] >= '1' && s[j->i] <= '9') while (j->i < j->n && isdigit((unsigned char)s[j->i])) j->i++;
    else return false;
    if (j->i < j->n && s[j->i] == '.') {
        j->i++;
        if (j->i >= j->n || !isdigit((unsigned char)s[j->i])) return false;
        while (j->i < j->n && isdigit((unsigned char)s[j->i])) j->i++;
    }
    if (j->i < j->n && (s[j->i] == 'e' || s[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (s[j->i] == '+' || s[j->i] == '-')) j->i++;
        if (j->i >= j->n || !isdigit((unsigned char)s[j->i])) return false;
        while (j->i < j->n && isdigit((unsigned char)s[j->i])) j->i++;
    }
    return true;
}

static bool kj_value(KvJson *j, int role);

typedef struct KjRec { size_t off, len; } KjRec;
static const char *kj_sort_base;

static int kj_rec_cmp(const void *a, const void *b)
{
    const KjRec *x = a, *y = b;
    return bytes_cmp(kj_sort_base + x->off, x->len, kj_sort_base + y->off, y->len);
}

static bool kj_object(KvJson *j, int role)
{
    VM *vm = j->vm;
    Buf *names = &vm->kv_buf[KB_NAMES], *recs = &vm->kv_buf[KB_RECS];
    size_t names0 = names->len, recs0 = recs->len;
    bool has_key = false;
    j->i++; /* '{' */
    kj_ws(j);
    if (j->i < j->n && j->s[j->i] == '}') {
        j->i++;
    } else {
        for (;;) {
            kj_ws(j);
            KjRec r;
            r.off = names->len;
            if (!kj_string(j, names)) return false;
            r.len = names->len - r.off;
            buf_put(recs, (const char *)&r, sizeof r);
            kj_ws(j);
            if (j->i >= j->n || j->s[j->i] != ':') return false;
            j->i++;
            kj_ws(j);
            const char *nm = names->data + r.off;
            if (role == JR_TOP && r.len == 5 && memcmp(nm, "items", 5) == 0) {
                if (j->i >= j->n || j->s[j->i] != '[') return false;
                j->items_seen = true;
                if (!kj_value(j, JR_ITEMS)) return false;
            } else if (role == JR_TOP && r.len == 10 && memcmp(nm, "nextCursor", 10) == 0) {
                Buf *next = &vm->kv_buf[KB_NEXT];
                next->len = 0;
                if (j->n - j->i >= 4 && memcmp(j->s + j->i, "null", 4) == 0) {
                    j->i += 4;
                    j->has_next = false;
                } else {
                    if (!kj_string(j, next)) return false;
                    j->has_next = true;
                }
            } else if (role == JR_ITEM && r.len == 3 && memcmp(nm, "key", 3) == 0) {
                Buf *t = &vm->kv_buf[KB_TMP];
                t->len = 0;
                if (!kj_string(j, t)) return false;
                has_key = true;
            } else {
                if (!kj_value(j, JR_ANY)) return false;
            }
            kj_ws(j);
            if (j->i >= j->n) return false;
            if (j->s[j->i] == ',') { j->i++; continue; }
            if (j->s[j->i] == '}') { j->i++; break; }
            return false;
        }
    }
    /* duplicate member names */
    size_t count = (recs->len - recs0) / sizeof(KjRec);
    if (count > 1) {
        KjRec *rs = (KjRec *)(void *)(recs->data + recs0);
        kj_sort_base = names->data;
        qsort(rs, count, sizeof(KjRec), kj_rec_cmp);
        for (size_t k = 1; k < count; k++)
            if (kj_rec_cmp(&rs[k - 1], &rs[k]) == 0) return false;
    }
    names->len = names0;
    recs->len = recs0;
    if (role == JR_ITEM) {
        if (!has_key) return false;
        Buf *t = &vm->kv_buf[KB_TMP];
        if (vm->kv_keys->len >= MAX_ARRAY_LEN) return false;
        array_push_owned(vm->kv_keys, v_str(str_new(t->data ? t->data : "", t->len)));
    }
    return true;
}

static bool kj_value(KvJson *j, int role)
{
    if (j->i >= j->n) return false;
    char ch = j->s[j->i];
    if (ch == '{' || ch == '[') {
        if (++j->depth > KV_MAX_DEPTH) return false;
        bool ok;
        if (ch == '{') {
            if (role == JR_ITEMS) return false;
            ok = kj_object(j, role);
        } else {
            if (role != JR_ANY && role != JR_ITEMS) return false;
            j->i++;
            kj_ws(j);
            ok = true;
            if (j->i < j->n && j->s[j->i] == ']') {
                j->i++;
            } else {
                for (;;) {
                    kj_ws(j);
                    if (role == JR_ITEMS) {
                        if (j->i >= j->n || j->s[j->i] != '{') return false;
                        if (++j->depth > KV_MAX_DEPTH) return false;
                        if (!kj_object(j, JR_ITEM)) return false;
                        j->depth--;
                    } else if (!kj_value(j, JR_ANY)) {
                        return false;
                    }
                    kj_ws(j);
                    if (j->i >= j->n) return false;
                    if (j->s[j->i] == ',') { j->i++; continue; }
                    if (j->s[j->i] == ']') { j->i++; break; }
                    return false;
                }
            }
        }
        j->depth--;
        return ok;
    }
    if (role != JR_ANY) return false;
    if (ch == '"') return kj_string(j, NULL);
    if (ch == 't') { if (j->n - j->i >= 4 && memcmp(j->s + j->i, "true", 4) == 0) { j->i += 4; return true; } return false; }
    if (ch == 'f') { if (j->n - j->i >= 5 && memcmp(j->s + j->i, "false", 5) == 0) { j->i += 5; return true; } return false; }
    if (ch == 'n') { if (j->n - j->i >= 4 && memcmp(j->s + j->i, "null", 4) == 0) { j->i += 4; return true; } return false; }
    return kj_number(j);
}

/* Parses one page from KB_BODY; appends its keys; next cursor in KB_NEXT. */
static bool kv_page(VM *vm, bool *has_next)
{
    Buf *body = &vm->kv_buf[KB_BODY];
    KvJson j = {vm, body->data ? body->data : "", body->len, 0, 0, false, false};
    if (!utf8_valid((const uint8_t *)j.s, j.n)) return false;
    vm->kv_buf[KB_NAMES].len = 0;
    vm->kv_buf[KB_RECS].len = 0;
    kj_ws(&j);
    if (j.i >= j.n || j.s[j.i] != '{') return false;
    if (!kj_value(&j, JR_TOP)) return false;
    kj_ws(&j);
    if (j.i != j.n || !j.items_seen) return false;
    if (j.has_next) {
        Buf *next = &vm->kv_buf[KB_NEXT], *cur = &vm->kv_buf[KB_CUR];
        if (next->len == 0) return false;
        if (cur->len == next->len && memcmp(cur->data, next->data, next->len) == 0) return false;
    }
    *has_next = j.has_next;
    return true;
}

static _Noreturn void kv_http_status(VM *vm, int line, const KvConf *c, int status)
{
    rt_error(vm, line, "%s: HTTP %d from %.*s", c->fn, status, (int)c->endpoint_len, c->url);
}

/* CALL step 5 of the extension: runs kv_* number `which`. */
static Value kv_call(VM *vm, int line, int which, Value *a, uint32_t argc)
{
    KvConf c;
    memset(&c, 0, sizeof c);
    c.fn = kv_fn_names[which];
    unsigned want = which == KV_PUT ? 2 : 1;
    if (argc != want) arity_error(vm, line, c.fn, want, argc);
    for (unsigned i = 0; i < want; i++)
        if (a[i].type != T_STR) type_error(vm, line, "string", a[i]);
    if (which != KV_LIST && a[0].as.s->len == 0)
        rt_error(vm, line, "Type error: expected non-empty string, found empty string");
    kv_config(vm, line, &c);

    for (int i = 0; i < KV_NBUFS; i++) buf_reserve(&vm->kv_buf[i], 0);
    Str *key = a[0].as.s;
    if (which != KV_LIST) {
        Buf *t = &vm->kv_buf[KB_NAMES]; /* not used by the exchange */
        t->len = 0;
        buf_put(t, c.base, c.base_len);
        buf_puts(t, "/v1/kv/");
        kv_pct(t, key->data, key->len);
        int status;
        if (which == KV_GET) {
            status = kv_exchange(vm, line, &c, "GET", t, NULL, 0, false);
            if (status == 404) return v_none();
            if (status < 200 || status > 299) kv_http_status(vm, line, &c, status);
            Buf *body = &vm->kv_buf[KB_BODY];
            const char *d = body->data ? body->data : "";
            if (!utf8_valid((const uint8_t *)d, body->len)) kv_invalid(vm, line, &c);
            return v_str(str_new(d, body->len));
        }
        if (which == KV_PUT) {
            Str *v = a[1].as.s;
            status = kv_exchange(vm, line, &c, "PUT", t, v->data, v->len, true);
            if (status < 200 || status > 299) kv_http_status(vm, line, &c, status);
            return v_none();
        }
        status = kv_exchange(vm, line, &c, "DELETE", t, NULL, 0, false);
        if (status != 404 && (status < 200 || status > 299)) kv_http_status(vm, line, &c, status);
        return v_none();
    }
    vm->kv_keys = array_new(0);
    vm->kv_buf[KB_CUR].len = 0;
    bool first = true;
    for (;;) {
        /* KB_NAMES/KB_RECS are JSON scratch during parsing only; the target
         * needs its own buffer that survives the exchange: KB_NEXT is free now. */
        Buf *t = &vm->kv_buf[KB_NEXT];
        t->len = 0;
        buf_put(t, c.base, c.base_len);
        buf_puts(t, "/v1/kv?");
        if (key->len) {
            buf_puts(t, "prefix=");
            kv_pct(t, key->data, key->len);
            buf_putc(t, '&');
        }
        buf_puts(t, "limit=1000");
        if (!first) {
            buf_puts(t, "&cursor=");
            Buf *cur = &vm->kv_buf[KB_CUR];
            kv_pct(t, cur->data, cur->len);
        }
        int status = kv_exchange(vm, line, &c, "GET", t, NULL, 0, false);
        if (status != 200) kv_http_status(vm, line, &c, status);
        bool has_next = false;
        if (!kv_page(vm, &has_next)) kv_invalid(vm, line, &c);
        if (!has_next) break;
        Buf *cur = &vm->kv_buf[KB_CUR], *next = &vm->kv_buf[KB_NEXT];
        cur->len = 0;
        buf_put(cur, next->data, next->len);
        first = false;
    }
    Array *keys = vm->kv_keys;
    vm->kv_keys = NULL;
    return v_arr(keys);
}

/* ======================================================================
 * 10. Disassembler (`--dump`, §15.10; informative format)
 * ====================================================================== */

static void dump_constant(FILE *out, const Chunk *c, uint32_t k)
{
    fputc('\'', out);
    if (k < c->nconsts) {
        Buf b = {0};
        buf_value(&b, c->consts[k], 0);
        if (b.len) fwrite(b.data, 1, b.len, out);
        free(b.data);
    }
    fputc('\'', out);
}

static void dump_program(const Program *p, FILE *out)
{
    for (uint32_t ci = 0; ci < p->nchunks; ci++) {
        const Chunk *c = &p->chunks[ci];
        if (ci) fputc('\n', out);
        fprintf(out, "== %s ==\n", c->name->data);
        for (uint32_t i = 0; i < c->ninstrs; i++) {
            uint32_t off = c->offsets[i];
            uint8_t op = c->code[off];
            OpInfo info = op_info(op);
            fprintf(out, "%04u  ", off);
            if (off > 0 && c->lines[off] == c->lines[off - 1])
                fputs("   |", out);
            else
                fprintf(out, "%4u", c->lines[off]);
            fputs("  ", out);
            const uint8_t *operand = c->code + off + 1;
            switch (info.kind) {
            case K_NONE:
                fprintf(out, "%s\n", info.name);
                break;
            case K_JUMP:
                fprintf(out, "%-20s        -> %04u\n", info.name, (unsigned)(operand[0] << 8 | operand[1]));
                break;
            default:
                fprintf(out, "%-20s%3u    ", info.name, operand[0]);
                dump_constant(out, c, operand[0]);
                if (info.kind == K_CALL) fprintf(out, " (%u args)", operand[1]);
                if (info.kind == K_CLOSURE) fprintf(out, " (%u upvalues)", operand[1]);
                fputc('\n', out);
                break;
            }
        }
    }
}

/* ======================================================================
 * 11. Running programs, REPL, main and the fuzzing entry point
 * ====================================================================== */

/* Runs a loaded program to its end; returns the exit status.  The VM lives
 * on the heap because it is touched after longjmp returns here. */
static int run_program(Program *prog, const char *path, int argc, char **argv, bool quiet)
{
    VM *vm = xmalloc(sizeof(VM));
    jmp_buf stop;
    vm_init(vm, prog, path, argc, argv);
    vm->quiet = quiet;
    vm->stop = &stop;
    if (!setjmp(stop)) {
        frame_push(vm, 0, &prog->chunks[0], NULL);
        (void)vm_execute(vm, 0); /* only leaves through vm_stop */
    }
    if (!quiet) fflush(stdout);
    int status = vm->status;
    vm_free(vm);
    free(vm);
    return status;
}

#ifndef WVM_FUZZ

/* Reads a whole file; returns NULL with errno set on failure. */
static uint8_t *read_whole_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return NULL;
    Buf b = {0};
    char chunk[65536];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            close(fd);
            free(b.data);
            errno = err;
            return NULL;
        }
        if (got == 0) break;
        buf_put(&b, chunk, (size_t)got);
    }
    close(fd);
    *len = b.len;
    return b.data ? (uint8_t *)b.data : xcalloc(1, 1);
}

/* Loads PATH or prints the §11 diagnostic; NULL on failure. */
static Program *load_file(const char *path)
{
    size_t len = 0;
    uint8_t *data = read_whole_file(path, &len);
    if (!data) {
        char reason[256];
        os_reason(reason, sizeof reason, errno);
        fprintf(stderr, "Cannot read '%s': %s\n", path, reason);
        return NULL;
    }
    char err[512];
    Program *p = load_program(data, len, err, sizeof err);
    free(data);
    if (!p) fprintf(stderr, "%s: Error: Invalid bytecode: %s\n", path, err);
    return p;
}

/* The REPL compiles each line with the self-hosted compiler wsc.whbc,
 * run in-process as an ordinary program (`wsc.whbc IN.wsp OUT.whbc`), then
 * runs the result.  Until that compiler exists the REPL says so and exits. */
static bool find_compiler(const char *argv0, char *out, size_t n)
{
    const char *env = getenv("WSC_WHBC");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return access(out, R_OK) == 0;
    }
    const char *slash = strrchr(argv0, '/');
    if (slash) {
        snprintf(out, n, "%.*s/compiler/wsc.whbc", (int)(slash - argv0), argv0);
        if (access(out, R_OK) == 0) return true;
    }
    const char *candidates[] = {"compiler/wsc.whbc", "whispem-runtime/compiler/wsc.whbc"};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        snprintf(out, n, "%s", candidates[i]);
        if (access(out, R_OK) == 0) return true;
    }
    return false;
}

/* Runs `wsc.whbc SRC OUT` in-process.  Its stderr (the "Compiled ..."
 * notice, or a compile error) is captured and shown only on failure. */
static int compile_line(Program *compiler, const char *compiler_path, char *src, char *out,
                        const char *err_path)
{
    fflush(stderr);
    int saved = dup(2);
    int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (saved < 0 || fd < 0) {
        if (saved >= 0) close(saved);
        if (fd >= 0) close(fd);
        return 1;
    }
    dup2(fd, 2);
    close(fd);
    char *cargs[] = {src, out};
    int status = run_program(compiler, compiler_path, 2, cargs, false);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    if (status != 0) {
        size_t len = 0;
        uint8_t *text = read_whole_file(err_path, &len);
        if (text) fwrite(text, 1, len, stderr);
        free(text);
    }
    return status;
}

static int repl(const char *argv0)
{
    char compiler_path[4096];
    if (!find_compiler(argv0, compiler_path, sizeof compiler_path)) {
        fprintf(stderr, "wvm: the REPL needs the self-hosted compiler compiler/wsc.whbc, which is not "
                        "built yet; run a program with: wvm FILE.whbc [ARGS...]\n");
        return 1;
    }
    Program *compiler = load_file(compiler_path);
    if (!compiler) return 1;
    char dir[] = "/tmp/wvm-repl-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("wvm: mkdtemp");
        program_free(compiler);
        return 1;
    }
    char src[64], out[64], err[64];
    snprintf(err, sizeof err, "%s/stderr.txt", dir);
    snprintf(src, sizeof src, "%s/line.wsp", dir);
    snprintf(out, sizeof out, "%s/line.whbc", dir);
    char *line = NULL;
    size_t cap = 0;
    for (;;) {
        fputs("> ", stdout);
        fflush(stdout);
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) break;
        if (write_bytes(src, line, (size_t)n) != 0) break;
        if (compile_line(compiler, compiler_path, src, out, err) != 0) continue;
        Program *p = load_file(out);
        if (!p) continue;
        run_program(p, "<repl>", 0, NULL, false);
        program_free(p);
    }
    free(line);
    unlink(src);
    unlink(out);
    unlink(err);
    rmdir(dir);
    program_free(compiler);
    fputc('\n', stdout);
    return 0;
}

static int usage(void)
{
    fputs("usage: wvm FILE.whbc [ARGS...]\n"
          "       wvm --dump FILE.whbc\n"
          "       wvm              (REPL, needs compiler/wsc.whbc)\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2) return repl(argv[0]);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage();
        return 0;
    }
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    if (strcmp(argv[1], "--dump") == 0) {
        if (argc != 3) return usage();
        Program *p = load_file(argv[2]);
        if (!p) return 1;
        dump_program(p, stdout);
        fflush(stdout);
        program_free(p);
        return 0;
    }
    Program *p = load_file(argv[1]);
    if (!p) return 1;
    int status = run_program(p, argv[1], argc - 2, argv + 2, false);
    program_free(p);
    return status;
}

#else /* WVM_FUZZ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Load and verify arbitrary bytes; when they pass, disassemble and run them
 * with small limits, no output and no file system. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    char err[512];
    Program *p = load_program(data, size, err, sizeof err);
    if (!p) return 0;
    if (sink) dump_program(p, sink);
    (void)run_program(p, "fuzz.whbc", 0, NULL, true);
    program_free(p);
    return 0;
}

#endif
