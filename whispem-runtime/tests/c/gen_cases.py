#!/usr/bin/env python3
"""Writes the own test cases of wvm into tests/c/cases/.

Every expected output below was written by hand from SPEC.md (not captured
from wvm).  Source cases (.wsp) are compiled with the self-hosted compiler
(compiler/wsc.whbc, run on wvm; it reproduces the reference compiler's bytes
for the whole conformance corpus); bytecode-only cases are assembled with
whasm.py (listing kept as NAME.asm) or built byte by byte (D9, malformed
files).  The resulting .whbc files are checked in, so `make test` needs
neither Python nor a compiler.

usage: python3 tests/c/gen_cases.py   (from whispem-runtime/, after make wvm)
"""
import math
import os
import struct
import subprocess
import sys
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(HERE, "cases")
sys.path.insert(0, HERE)
import whasm  # noqa: E402


def wfmt(x):
    """The printed form of a number, SPEC §8.1 (Python repr is shortest round-trip)."""
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    s = format(Decimal(repr(x)), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def write(name, ext, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(CASES, name + ext), mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(data)


def compile_wsp(name):
    wvm = os.path.join(ROOT, "wvm")
    wsc = os.path.join(ROOT, "compiler", "wsc.whbc")
    r = subprocess.run([wvm, wsc, name + ".wsp", name + ".whbc"], cwd=CASES, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"compiling {name}.wsp failed: {r.stdout}{r.stderr}")


def expect(name, spec, path_label):
    kind = spec[0]
    if kind == "out":
        write(name, ".out", spec[1])
    elif kind == "err":  # ("err", stdout, message, line or None for no location)
        _, out, msg, line = spec
        loc = f"[line {line}, col 0] " if line is not None else ""
        write(name, ".err", f"{out}{path_label}: {loc}Error: {msg}\n")
        write(name, ".code", "1\n")
    elif kind == "exit":  # ("exit", stdout, status)
        write(name, ".err", spec[1])
        write(name, ".code", f"{spec[2]}\n")


def src_case(name, source, spec, args=None, stdin=None):
    if spec[0] == "err" and spec[3] == "last":
        spec = spec[:3] + (source.rstrip("\n").count("\n") + 1,)
    write(name, ".wsp", source)
    compile_wsp(name)
    expect(name, spec, name + ".wsp")
    if args is not None:
        write(name, ".args", args + "\n")
    if stdin is not None:
        write(name, ".stdin", stdin)


def asm_case(name, listing, spec):
    write(name, ".asm", listing)
    write(name, ".whbc", whasm.whbc(whasm.assemble(listing)))
    expect(name, spec, name + ".whbc")


def raw_case(name, data, detail):
    """Malformed file: one `Invalid bytecode` line, exit 1 (SPEC §11, §12, D9)."""
    write(name, ".whbc", data)
    write(name, ".err", f"{name}.whbc: Error: Invalid bytecode: {detail}\n")
    write(name, ".code", "1\n")


def err(msg, line="last", out=""):
    return ("err", out, msg, line)


# ---------------------------------------------------------------- values ---

def number_cases():
    big = 1.0
    for _ in range(400):
        big *= 10
    half60 = 1.0
    for _ in range(60):
        half60 /= 2
    half30 = 1.0
    for _ in range(30):
        half30 /= 2
    sub = 1.0
    for _ in range(1074):
        sub /= 2
    two71 = 1.0
    for _ in range(71):
        two71 *= 2
    fact20 = 1.0
    for i in range(1, 21):
        fact20 *= i
    e300 = float("1" + "0" * 300)
    values = [
        ("42", 42.0), ("-0", -0.0), ("2.5", 2.5), ("1 / 3", 1 / 3), ("4.35 * 100", 4.35 * 100),
        ("1000000000000000", 1e15), ("100000000000000000000", 1e20), ("-100000000000000000000", -1e20),
        ("9007199254740993", 9007199254740992.0), ("half60", half60), ("1 / 1000000000000", 1 / 1e12),
        ("big", math.inf), ("-big", -math.inf), ("big - big", math.nan),
        ("0.1 + 0.2", 0.1 + 0.2), ("100 * 1.1", 100 * 1.1), ("1000000000000000 + 0.5", 1e15 + 0.5),
        ("two71", two71), ("123456789 * 1000000000", 123456789 * 1e9), ("1 / 1000000", 1 / 1e6),
        ("half30", half30), ("fact20", fact20), ("e300", e300), ("sub", sub), ("0 - 1.5", -1.5),
        ("123.456", 123.456), ("999999999999999", 999999999999999.0),
    ]
    src = ["# Appendix A and §8.1 vectors through print and num_to_str."]
    src += ["let big = 1", "let i = 0", "while i < 400 {", "  let big = big * 10", "  let i = i + 1", "}"]
    for var, n, op in (("half60", 60, "/ 2"), ("half30", 30, "/ 2"), ("sub", 1074, "/ 2"), ("two71", 71, "* 2")):
        src += [f"let {var} = 1", "let i = 0", f"while i < {n} {{", f"  let {var} = {var} {op}", "  let i = i + 1", "}"]
    src += ["let fact20 = 1", "for k in range(1, 21) {", "  let fact20 = fact20 * k", "}"]
    src += ["let e300 = 1" + "0" * 300]
    out = []
    for expr, val in values:
        src.append(f"print {expr}")
        out.append(wfmt(val))
        src.append(f"print num_to_str({expr})")
        if math.isfinite(val) and val == int(val):
            iv = max(min(int(val), 2**63 - 1), -2**63)
            out.append(str(iv))
        else:
            out.append(wfmt(val))
    src_case("numbers_appendix_a", "\n".join(src) + "\n", ("out", "\n".join(out) + "\n"))


def operator_cases():
    src_case("ops_arith", """\
fn nothing() {
}
print 7 - 10
print 6 * 7
print 7 / 2
print -7 % 3
print 7 % -3
print 7.5 % 2
print -(3)
print -0
let big = 1
let i = 0
while i < 400 {
  let big = big * 10
  let i = i + 1
}
print big
print -big
print big - big
print 1 + 2 + "x"
print "x" + 1 + 2
print "n=" + 5
print "[" + nothing() + "]"
print "x" + [1, "a", [true]]
print "d" + {"b": 1, "a": none_var_is_undefined_so_skip_me}
""".replace('print "d" + {"b": 1, "a": none_var_is_undefined_so_skip_me}\n', 'print "d" + {"b": 1, "a": true}\nprint nothing() + "!"\nprint 0.5 + "" + 0.25\n'),
        ("out", "-3\n42\n3.5\n-1\n1\n1.5\n-3\n0\ninf\n-inf\nNaN\n3x\nx12\nn=5\n[]\nx[1, a, [true]]\n"
                'd{"a": true, "b": 1}\n!\n0.50.25\n'))
    src_case("ops_compare_logic", """\
fn nothing() {
}
fn loud() {
  print "evaluated"
  return true
}
let nan = 0
let big = 1
let i = 0
while i < 400 {
  let big = big * 10
  let i = i + 1
}
let nan = big - big
print "Z" < "a"
print "10" < "9"
print "ab" < "abc"
print "b" >= "b"
print 2 <= 1
print 1 < 2 == true
print nan < 1
print nan >= nan
print nan == nan
print nan != nan
print 0 == -0
print [1] == [1]
let a = [1]
print a == a
print {} == {}
print nothing() == nothing()
print 1 == "1"
print 0 == false
print "x" == "x"
print true != false
print 0 or "x"
print 1 and 2
print [] or {}
print false and loud()
print true or loud()
print nothing() or "fallback"
print not 0
print !""
print not [0]
print not nan
print not "false"
""", ("out", "true\ntrue\ntrue\ntrue\nfalse\ntrue\nfalse\nfalse\nfalse\ntrue\ntrue\nfalse\nfalse\nfalse\ntrue\n"
              "false\nfalse\ntrue\ntrue\nx\n2\n{}\nfalse\ntrue\nfallback\ntrue\ntrue\nfalse\nfalse\nfalse\n"))


def value_semantics_cases():
    src_case("value_semantics", """\
# Copy-on-write must be invisible: every update below leaves other holders unchanged.
let a = [1, 2, 3]
let b = a
let b = push(b, 4)
print a
print b
let c = a
c[0] = 9
print a
print c
let s = "ab"
let t = s
let s = s + "c"
print t
print s
let grid = [[1, 2], [3, 4]]
let row = grid[1]
row[0] = 30
print grid
grid[1] = row
print grid
fn modify(arr) {
  arr[0] = 100
  return arr
}
let orig = [1]
let m = modify(orig)
print orig
print m
let d = {"k": 1}
let e = d
e["k"] = 2
e[5] = "five"
print d
print e
let xs = []
for i in range(0, 5) {
  let xs = push(xs, i * i)
}
print xs
let self = [1]
let self = push(self, self)
print self
self[0] = self
print self
fn box() {
  let items = [1]
  let get = fn() { return items }
  let items = push(items, 2)
  return get()
}
print box()
let parts = ["x"]
let s2 = parts[0]
let s2 = s2 + "y"
print parts
print s2
let text = ""
for w in ["a", "b", "c"] {
  let text = text + w
}
print text
let saved = text
let text = text + "d"
print saved
print text
let counts = {}
for w in ["x", "y", "x"] {
  if has_key(counts, w) {
    counts[w] = counts[w] + 1
  } else {
    counts[w] = 1
  }
}
print counts
""", ("out", "[1, 2, 3]\n[1, 2, 3, 4]\n[1, 2, 3]\n[9, 2, 3]\nab\nabc\n[[1, 2], [3, 4]]\n[[1, 2], [30, 4]]\n"
              '[1]\n[100]\n{"k": 1}\n{"5": five, "k": 2}\n[0, 1, 4, 9, 16]\n[1, [1]]\n[[1, [1]], [1]]\n'
              "[1, 2]\n[x]\nxy\nabc\nabc\nabcd\n" '{"x": 2, "y": 1}\n'))


# -------------------------------------------------------------- builtins ---

def builtin_cases():
    src_case("builtins_all", """\
fn nothing() {
}
let big = 1
let i = 0
while i < 40 {
  let big = big * 10
  let i = i + 1
}
let a = [3, 1, 2]
print length(a)
print length("h\u00e9llo")
print length({"x": 1, "y": 2})
print length("")
print push(a, 4)
print a
print pop(a)
print a
print reverse(a)
print slice(a, 1, 3)
print slice(a, -5, 1.9)
print slice(a, 3, 3)
print range(2, 5)
print range(5, 2)
print range(-1.5, 1.5)
let d = {"b": 2, "a": 1, 3: "three"}
print keys(d)
print values(d)
print has_key(d, "a")
print has_key(d, 3)
print has_key(d, "z")
print char_at("h\u00e9llo", 1)
print char_at("abc", -1)
print substr("h\u00e9llo", 1, 3)
print substr("hello", 3, 100)
print substr("hello", 10, 2)
print substr("hello", 2, big)
print ord("A")
print ord("\u00e9")
print num_to_str(1.5)
print num_to_str(7)
print str_to_num("  42  ")
print str_to_num("-1.5e3")
print str_to_num(".5")
print str_to_num("5.")
print str_to_num("+7")
print str_to_num("inf")
print str_to_num("-Infinity")
print str_to_num("NaN")
print num_to_hex(1)
print num_to_hex(-2.5)
print type_of(1)
print type_of("s")
print type_of(true)
print type_of([])
print type_of({})
print type_of(fn() {})
print type_of(nothing())
let r = assert(true, "unused")
print type_of(r)
print args()
print input()
print map([1, 2, 3], fn(x) { return x * 2 })
print filter([1, 2, 3, 4], fn(x) { return x % 2 == 0 })
print filter([0, "", "a", [], [0]], fn(x) { return x })
print reduce([1, 2, 3], fn(acc, x) { return acc + x }, 10)
print reduce([], fn(acc, x) { return acc + x }, "init")
print map([], 5)
print map(map([1, 2], fn(x) { return [x] }), fn(p) { return length(p) })
""", ("out", "3\n5\n2\n0\n[3, 1, 2, 4]\n[3, 1, 2]\n2\n[3, 1, 2]\n[2, 1, 3]\n[1, 2]\n[3]\n[]\n[2, 3, 4]\n[]\n[-1, 0]\n"
              "[3, a, b]\n[three, 1, 2]\ntrue\ntrue\nfalse\n\u00e9\na\n\u00e9ll\nlo\n\nllo\n65\n233\n1.5\n7\n"
              "42\n-1500\n0.5\n5\n7\ninf\n-inf\nNaN\n3ff0000000000000\nc004000000000000\n"
              "number\nstring\nbool\narray\ndict\nfunction\nnone\nnone\n[]\n\n[2, 4, 6]\n[2, 4]\n[a, [0]]\n16\ninit\n[]\n[1, 1]\n"))
    src_case("io_args_input", """\
print args()
print length(args())
let l1 = input("prompt> ")
print "[" + l1 + "]"
let l2 = input()
print "[" + l2 + "]"
let l3 = input("")
print "[" + l3 + "]"
let l4 = input()
print "[" + l4 + "]"
""", ("out", "[one, two]\n2\nprompt> [first line]\n[]\n[third]\n[]\n"), args="one two", stdin="first line\r\n\nthird")
    src_case("io_files", """\
write_file("/tmp/wvm_case_io.txt", "h\u00e9llo")
print read_file("/tmp/wvm_case_io.txt")
write_file("/tmp/wvm_case_io.txt", [1, "two", {"k": true}])
print read_file("/tmp/wvm_case_io.txt")
let w = write_file("/tmp/wvm_case_io.txt", 2.5)
print type_of(w)
print read_file("/tmp/wvm_case_io.txt")
write_hex("/tmp/wvm_case_io.bin", "48692A21")
print read_file("/tmp/wvm_case_io.bin")
write_hex("/tmp/wvm_case_io.bin", "")
print length(read_file("/tmp/wvm_case_io.bin"))
""", ("out", "h\u00e9llo\n[1, two, {\"k\": true}]\nnone\n2.5\nHi*!\n0\n"))


def error_cases():
    cases = [
        ("e_sub_type", 'print 1 - "a"', "Type error: expected number, found number and string"),
        ("e_mul_type", "print [] * 2", "Type error: expected number, found array and number"),
        ("e_mod_type", "print {} % true", "Type error: expected number, found dict and bool"),
        ("e_neg_type", 'print -"a"', "Type error: expected number, found string"),
        ("e_div_type_first", 'print "a" / 0', "Type error: expected number, found string and number"),
        ("e_add_none", "fn nothing() {\n}\nprint nothing() + 1", "Type error: expected number or string, found none and number"),
        ("e_add_arrays", "print [1] + [2]", "Type error: expected number or string, found array and array"),
        ("e_compare_arrays", "print [1] < [2]", "Type error: expected number or string, found array and array"),
        ("e_compare_mixed", 'print 1 < "2"', "Type error: expected number or string, found number and string"),
        ("e_index_string", 'let s = "abc"\nprint s[0]', "Type error: expected array or dict, found string"),
        ("e_index_not_number", 'let a = [1]\nprint a["0"]', "Array index must be a number"),
        ("e_index_negative_oob", "let a = []\nprint a[-1]", "Array index 0 out of bounds (length: 0)"),
        ("e_set_index_type", "let n = 5\nn[0] = 1", "Type error: expected array or dict, found number"),
        ("e_set_index_oob", "let a = [1, 2]\na[2] = 3", "Array index 2 out of bounds (length: 2)"),
        ("e_set_index_not_number", "let a = [1]\na[true] = 3", "Array index must be a number"),
        ("e_set_index_dict_key", 'let d = {}\nd[[1]] = 3', "Type error: expected string or number (as dict key), found array"),
        ("e_dict_literal_key", "let d = {true: 1}", "Type error: expected string or number (as dict key), found bool"),
        ("e_dict_get_key", 'let d = {"a": 1}\nprint d[[1]]', "Type error: expected string or number (as dict key), found array"),
        ("e_missing_num_key", 'let d = {"a": 1}\nprint d[1.5]', "Undefined variable: 'key \"1.5\" not found in dict'"),
        ("e_length_type", "print length(5)", "Type error: expected array, string, or dict, found number"),
        ("e_length_arity", "print length(1, 2)", "Function 'length' expected 1 argument, got 2"),
        ("e_push_type", 'print push("a", 1)', "Type error: expected array, found string"),
        ("e_push_arity", "print push([1])", "Function 'push' expected 2 arguments, got 1"),
        ("e_pop_type", "print pop(1)", "Type error: expected array, found number"),
        ("e_reverse_type", 'print reverse("ab")', "Type error: expected array, found string"),
        ("e_slice_index_type", 'print slice([1], "a", 1)', "Array index must be a number"),
        ("e_slice_index_before_array", 'print slice("abc", 0, "x")', "Array index must be a number"),
        ("e_slice_start_gt_end", "print slice([1, 2, 3], 2, 1)", "slice() start 2 cannot be greater than end 1"),
        ("e_slice_type", 'print slice("abc", 0, 1)', "Type error: expected array, found string"),
        ("e_range_type", 'print range(1, "5")', "Type error: expected number, found string"),
        ("e_map_type", 'print map("abc", fn(x) { return x })', "Type error: expected array, found string"),
        ("e_map_not_fn", "print map([1], 5)", "Type error: expected function, found number"),
        ("e_filter_not_fn", 'print filter([1], "f")', "Type error: expected function, found string"),
        ("e_map_arity", "print map([1], fn(a, b) { return a })", "Function '__lambda_1_0' expected 2 arguments, got 1"),
        ("e_reduce_arity", "print reduce([1], fn(a) { return a }, 0)", "Function '__lambda_1_0' expected 1 argument, got 2"),
        ("e_reduce_type", "print reduce({}, fn(a, b) { return a }, 0)", "Type error: expected array, found dict"),
        ("e_keys_type", "print keys([1])", "Type error: expected dict, found array"),
        ("e_values_type", 'print values("d")', "Type error: expected dict, found string"),
        ("e_has_key_dict", 'print has_key([1], "a")', "Type error: expected dict, found array"),
        ("e_has_key_key", "print has_key({}, true)", "Type error: expected string or number (as dict key), found bool"),
        ("e_char_at_types", "print char_at(1, 1)", "Type error: expected string, number, found wrong types"),
        ("e_char_at_oob", 'print char_at("h\u00e9llo", 5)', "Array index 5 out of bounds (length: 5)"),
        ("e_substr_types", 'print substr("a", "b", 1)', "Type error: expected string, number, number, found wrong types"),
        ("e_ord_type", "print ord(1)", "Type error: expected string, found number"),
        ("e_ord_empty", 'print ord("")', "Type error: expected non-empty string, found empty string"),
        ("e_num_to_str_type", 'print num_to_str("1")', "Type error: expected number, found string"),
        ("e_str_to_num_type", "print str_to_num(1)", "Type error: expected string, found number"),
        ("e_str_to_num_bad", 'print str_to_num(" 1e ")', 'Type error: expected numeric string, found " 1e "'),
        ("e_str_to_num_hex", 'print str_to_num("0x10")', 'Type error: expected numeric string, found "0x10"'),
        ("e_num_to_hex_type", 'print num_to_hex("a")', "Type error: expected number, found string"),
        ("e_assert_default", "assert(1 == 2)", "Assertion failed: assertion failed"),
        ("e_assert_arity", "assert()", "Function 'assert' expected 2 arguments, got 0"),
        ("e_assert_array_msg", 'assert(0, [1, "a"])', "Assertion failed: [1, a]"),
        ("e_exit_arity", "exit(1, 2)", "Function 'exit' expected 1 argument, got 2"),
        ("e_exit_type", 'exit("a")', "Type error: expected number, found string"),
        ("e_input_arity", "let x = input(1, 2)", "Function 'input' expected 1 argument, got 2"),
        ("e_input_type", "let x = input(5)", "Type error: expected string, found number"),
        ("e_args_arity", "args(1)", "Function 'args' expected 0 arguments, got 1"),
        ("e_read_file_type", "print read_file(1)", "Type error: expected string, found number"),
        ("e_read_file_missing", 'print read_file("/nonexistent/wvm.txt")',
         "Failed to read '/nonexistent/wvm.txt': No such file or directory (os error 2)"),
        ("e_read_file_dir", 'print read_file("/")', "Failed to read '/': Is a directory (os error 21)"),
        ("e_write_file_fail", 'write_file("/nonexistent/dir/x.txt", "a")',
         "Failed to write '/nonexistent/dir/x.txt': No such file or directory (os error 2)"),
        ("e_write_file_type", 'write_file(1, "a")', "Type error: expected string, found number"),
        ("e_write_hex_odd", 'write_hex("/tmp/wvm_case_x.bin", "abc")',
         "Type error: expected hex string of even length, found string of length 3"),
        ("e_write_hex_non_ascii", 'write_hex("/tmp/wvm_case_x.bin", "\u00e9\u00e9")',
         "Type error: expected hex string of even length, found string of length 2"),
        ("e_write_hex_type", 'write_hex("/tmp/wvm_case_x.bin", 12)', "Type error: expected string, found number"),
        ("e_load_global_unset", "fn f() {\n  return later\n}\nprint f()\nlet later = 1", "Undefined variable: 'later'", 2),
        ("e_undefined_function", "nope(1)", "Undefined function: 'nope'"),
        ("e_variable_not_function", "let v = 5\nv(1)", "Undefined function: 'v'"),
        ("e_call_expr_non_fn", "let a = [1]\na[0](2)", "Type error: expected function, found number"),
        ("e_arity_one", "fn f(x) {\n  return x\n}\nprint f()", "Function 'f' expected 1 argument, got 0"),
        ("e_callback_line", "let xs = [1, 0]\nlet r = map(xs, fn(x) {\n  return x + true\n})\nprint r",
         "Type error: expected number or string, found number and bool", 3),
        ("e_builtin_value", "print length", "Undefined variable: 'length'"),
        ("e_output_kept", 'print "kept"\nprint 1 / 0', "Division by zero", None, "kept\n"),
        ("d8_stack_overflow", "fn down(n) {\n  return down(n + 1)\n}\nprint down(0)",
         "Stack overflow: call depth exceeds 200000", 2),
        ("d8_callback_nesting", "let nest = fn(n) {\n  if n == 0 {\n    return 0\n  }\n"
         "  return reduce([n], fn(acc, x) { return nest(x - 1) + 1 }, 0)\n}\nprint nest(5000)",
         "Stack overflow: map/filter/reduce nesting exceeds 2000", 5),
    ]
    for case in cases:
        name, source, msg = case[:3]
        line = case[3] if len(case) > 3 else "last"
        out = case[4] if len(case) > 4 else ""
        src_case(name, source + "\n", ("err", out, msg, line))


def decision_cases():
    src_case("d1_closure_write_back", """\
# D1: once a frame has an open cell for a name, the frame itself reads the cell.
fn counter() {
  let n = 0
  let inc = fn() {
    let n = n + 1
  }
  inc()
  inc()
  print n
  let n = 10
  inc()
  return n
}
print counter()
""", ("out", "2\n11\n"))
    src_case("d2_top_level_return", 'print "before"\nif true {\n  return\n}\nprint "after"\n', ("out", "before\n"))
    src_case("d2_top_level_return_value", 'print "before"\nreturn 5\nprint "after"\n', ("out", "before\n"))
    src_case("d7_substr_overflow", """\
let big = 1
let i = 0
while i < 25 {
  let big = big * 10
  let i = i + 1
}
print substr("hello", 2, big)
print substr("hello", big, big)
print substr("hello", 0, -3)
""", ("out", "llo\n\n\n"))
    src_case("d8_deep_recursion", """\
fn depth(n) {
  if n == 0 {
    return 0
  }
  return 1 + depth(n - 1)
}
print depth(100000)
let nest = fn(n) {
  if n == 0 {
    return 0
  }
  return reduce([n], fn(acc, x) { return nest(x - 1) + 1 }, 0)
}
print nest(1000)
""", ("out", "100000\n1000\n"))
    src_case("d10_exit_negative", "exit(-1)\n", ("exit", "", 255))
    src_case("d10_exit_wraps", "exit(256)\n", ("exit", "", 0))
    src_case("d10_exit_fraction", 'print "x"\nexit(3.9)\nprint "y"\n', ("exit", "x\n", 3))
    src_case("d10_exit_saturates", "let big = 1\nlet i = 0\nwhile i < 30 {\n  let big = big * 10\n  let i = i + 1\n}\nexit(big)\n",
             ("exit", "", 255))
    src_case("exit_bare", 'print 1\nexit\nprint 2\n', ("exit", "1\n", 0))
    src_case("exit_in_callback", 'print map([1, 2, 3], fn(x) {\n  if x == 2 {\n    exit(7)\n  }\n  print x\n  return x\n})\n',
             ("exit", "1\n", 7))
    src_case("hidden_loop_vars", "for x in [1, 2] {\n}\nprint __idx_0\nprint __iter_0\nprint x\n", ("out", "2\n[1, 2]\n2\n"))


def asm_cases():
    asm_case("asm_rare_opcodes", """\
; PUSH_NONE, JUMP_IF_TRUE, CLOSE_UPVALUE and constant tags 1 (bool) and 3 (none),
; none of which the reference compiler emits.
chunk <main> 0
const bool 1
const none
const bool 0
line 1
PUSH_CONST #0
PRINT
PUSH_CONST #1
PRINT
PUSH_CONST #2
PRINT
PUSH_NONE
CALL type_of 1
PRINT
CLOSE_UPVALUE 0
PUSH_TRUE
JUMP_IF_TRUE skip
PUSH_CONST "not printed"
PRINT
skip:
PUSH_FALSE
JUMP_IF_TRUE skip2
PUSH_CONST "printed"
PRINT
skip2:
HALT
""", ("out", "true\n\nfalse\nnone\nprinted\n"))
    asm_case("asm_stack_underflow", "chunk <main> 0\nline 3\nPUSH_TRUE\nPOP\nPOP\nHALT\n",
             ("err", "", "Internal error: stack underflow", None))
    asm_case("asm_upvalue_invalid", "chunk <main> 0\nline 2\nLOAD_UPVALUE 0\nHALT\n",
             ("err", "", "Internal error: upvalue in invalid state: upvalue slot 0 out of range", None))
    asm_case("asm_parent_upvalue_invalid", "chunk <main> 0\nline 2\nMAKE_CLOSURE f up:3\nHALT\n"
             "chunk f 0\nline 5\nRETURN_NONE\n",
             ("err", "", "Internal error: upvalue in invalid state: parent upvalue slot 3 out of range", None))
    asm_case("asm_run_past_end", "chunk <main> 0\nline 1\nPUSH_CONST \"hi\"\nPRINT\n",
             ("err", "hi\n", "Invalid bytecode: execution ran past the end of chunk '<main>'", None))
    asm_case("asm_function_past_end", "chunk <main> 0\nline 1\nCALL f 0\nHALT\nchunk f 0\nline 2\nPUSH_TRUE\nPOP\n",
             ("err", "", "Invalid bytecode: execution ran past the end of chunk 'f'", None))
    asm_case("asm_call_lambda_chunk", """\
; §14.4 step 5: a lambda chunk can be called by its internal name (no cells).
chunk <main> 0
line 1
PUSH_CONST 20
CALL __lambda_1_0 1
PRINT
HALT
chunk __lambda_1_0 1
line 1
STORE x
LOAD x
PUSH_CONST 1
ADD
RETURN
RETURN_NONE
""", ("out", "21\n"))
    asm_case("asm_main_open_cell", """\
; MAKE_CLOSURE in the main frame: STORE updates both the open cell and the global.
chunk <main> 0
line 1
PUSH_CONST 1
STORE x
MAKE_CLOSURE f local:x
STORE g
PUSH_CONST 2
STORE x
CALL g 0
PRINT
LOAD x
PRINT
MAKE_CLOSURE f local:never_set
CALL __callee__ 0
CALL type_of 1
PRINT
HALT
chunk f 0
line 2
LOAD_UPVALUE 0
RETURN
""", ("out", "2\n2\nnone\n"))
    asm_case("asm_halt_in_callback", """\
chunk <main> 0
line 1
PUSH_CONST 1
PUSH_CONST 2
MAKE_ARRAY 2
MAKE_CLOSURE cb
CALL map 2
PRINT
PUSH_CONST "not reached"
PRINT
HALT
chunk cb 1
line 2
STORE x
LOAD x
PRINT
HALT
""", ("exit", "1\n", 0))
    asm_case("asm_callback_underflow", """\
; a callback may not pop below its own arguments (the builtin's values sit there)
chunk <main> 0
line 1
PUSH_CONST 1
MAKE_ARRAY 1
MAKE_CLOSURE cb
CALL map 2
PRINT
HALT
chunk cb 1
line 4
POP
POP
RETURN_NONE
""", ("err", "", "Internal error: stack underflow", None))
    asm_case("asm_unbalanced_callback", """\
; a callback that leaves extra values on the stack still returns its result
chunk <main> 0
line 1
PUSH_CONST 1
PUSH_CONST 2
MAKE_ARRAY 2
MAKE_CLOSURE cb
CALL map 2
PRINT
HALT
chunk cb 1
line 2
STORE x
PUSH_CONST "junk"
LOAD x
PUSH_CONST 10
MUL
RETURN
""", ("out", "[10, 20]\n"))


def d9_cases():
    A = whasm.assemble
    W = whasm.whbc
    good = A("chunk <main> 0\nline 1\nPUSH_CONST 1\nPRINT\nHALT\n")
    raw_case("d9_empty", b"", "file too short")
    raw_case("d9_short", b"WHB", "file too short")
    raw_case("d9_bad_magic", W(good, magic=b"WHBX"), "bad magic bytes (not a .whbc file)")
    raw_case("d9_version", W(good, version=3), "version mismatch: expected 4, got 3")
    raw_case("d9_no_chunks", b"WHBC\x04\x00\x00", "bytecode contains no chunks")
    raw_case("d9_no_count", b"WHBC\x04", "unexpected end of bytecode at offset 5 (need 2 bytes, have 0)")
    full = W(good)
    raw_case("d9_truncated_code", full[:-10], f"unexpected end of bytecode at offset {len(full) - 16} (need 16 bytes, have 6)")
    raw_case("d9_trailing", full + b"\x00", "trailing bytes after last chunk")
    bad_name = A("chunk <main> 0\nHALT\n")
    bad_name[0].name = b"\xff"
    raw_case("d9_name_utf8", W(bad_name), "chunk name is not valid UTF-8")
    bad_const = A("chunk <main> 0\nHALT\n")
    bad_const[0].const("str", b"\xc3")
    raw_case("d9_const_utf8", W(bad_const), "string constant is not valid UTF-8")
    raw_case("d9_const_surrogate", W(A("chunk <main> 0\nHALT\n"))[:0] + W(_with_const(b"\xed\xa0\x80")),
             "string constant is not valid UTF-8")
    raw_case("d9_const_tag", W(A("chunk <main> 0\nconst tag 7\nHALT\n")), "unknown constant tag 7")
    raw_case("d9_duplicate_chunk", W(A("chunk <main> 0\nHALT\nchunk f 0\nRETURN_NONE\nchunk f 0\nRETURN_NONE\n")),
             "duplicate chunk name 'f'")
    raw_case("d9_duplicate_main", W(A("chunk <main> 0\nHALT\nchunk <main> 0\nRETURN_NONE\n")),
             "duplicate chunk name '<main>'")
    raw_case("d9_const_index", W(A("chunk <main> 0\nconst num 1\nPUSH_CONST #5\nHALT\n")),
             "constant index 5 out of range (1 constants) in chunk '<main>' at offset 0")
    raw_case("d9_name_not_string", W(A("chunk <main> 0\nconst num 1\nPUSH_TRUE\nSTORE #0\nHALT\n")),
             "STORE operand 0 is not a string constant in chunk '<main>' at offset 1")
    raw_case("d9_load_index", W(A("chunk <main> 0\nLOAD #3\nHALT\n")),
             "constant index 3 out of range (0 constants) in chunk '<main>' at offset 0")
    raw_case("d9_call_not_string", W(A("chunk <main> 0\nconst num 1\nCALL #0 0\nHALT\n")),
             "CALL operand 0 is not a string constant in chunk '<main>' at offset 0")
    raw_case("d9_jump_range", W(A("chunk <main> 0\nJUMP 256\nHALT\n")),
             "jump target 256 out of range (code length 4) in chunk '<main>' at offset 0")
    raw_case("d9_jump_mid", W(A("chunk <main> 0\nPUSH_TRUE\nJUMP_IF_FALSE 2\nHALT\n")),
             "jump target 2 is not an instruction start in chunk '<main>' at offset 1")
    raw_case("d9_closure_chunk", W(A("chunk <main> 0\nMAKE_CLOSURE nope\nHALT\n")),
             "MAKE_CLOSURE refers to unknown chunk 'nope' in chunk '<main>' at offset 0")
    raw_case("d9_closure_main", W(A("chunk <main> 0\nMAKE_CLOSURE <main>\nHALT\n")),
             "MAKE_CLOSURE refers to unknown chunk '<main>' in chunk '<main>' at offset 0")
    raw_case("d9_desc_flag", W(A("chunk <main> 0\nMAKE_CLOSURE f 2:x\nHALT\nchunk f 0\nRETURN_NONE\n")),
             "bad upvalue descriptor flag 2 in chunk '<main>' at offset 0")
    raw_case("d9_desc_number", W(A("chunk <main> 0\nMAKE_CLOSURE f up:x\nHALT\nchunk f 0\nRETURN_NONE\n")),
             "bad upvalue descriptor in chunk '<main>' at offset 0")
    raw_case("d9_desc_truncated", W(A("chunk <main> 0\nline 1\nRAW 53 00 01 01 05 78\n")),
             "truncated MAKE_CLOSURE instruction in chunk '<main>' at offset 0")
    raw_case("d9_unknown_opcode", W(A("chunk <main> 0\nPUSH_TRUE\nRAW 99\nHALT\n")),
             "unknown opcode 0x99 in chunk '<main>' at offset 1")
    raw_case("d9_truncated_instr", W(A("chunk <main> 0\nHALT\nRAW 00\n")),
             "truncated PUSH_CONST instruction in chunk '<main>' at offset 1")
    lines = A("chunk <main> 0\nPUSH_TRUE\nHALT\n")
    lines[0].lines = lines[0].lines[:1]
    raw_case("d9_lines_mismatch", W(lines), "line table of chunk '<main>' has 1 entries for 2 code bytes")
    raw_case("d9_in_function", W(A("chunk <main> 0\nHALT\nchunk g 0\nPUSH_TRUE\nPOP\nJUMP 3\n")),
             "jump target 3 is not an instruction start in chunk 'g' at offset 2")


def _with_const(raw):
    c = whasm.assemble("chunk <main> 0\nHALT\n")
    c[0].const("str", raw)
    return c


def main():
    os.makedirs(CASES, exist_ok=True)
    for f in os.listdir(CASES):
        if f.split(".")[-1] in ("wsp", "whbc", "out", "err", "code", "args", "stdin", "asm"):
            os.remove(os.path.join(CASES, f))
    number_cases()
    operator_cases()
    value_semantics_cases()
    builtin_cases()
    error_cases()
    decision_cases()
    asm_cases()
    d9_cases()
    print(f"wrote {len([f for f in os.listdir(CASES) if f.endswith('.whbc')])} cases to {CASES}")


if __name__ == "__main__":
    main()
