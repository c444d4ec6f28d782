#!/usr/bin/env python3
"""whasm: a tiny assembler for Whispem .whbc (format version 4) test files.

Listing format (one item per line, ';' starts a comment):

    chunk NAME PARAMS          start a chunk (the first one is <main>)
    const num 1.5              explicit constants, in order (others are added
    const str "text"           on first use, like the reference compiler)
    const bool 1 | const none | const tag 7   (tag N: raw tag byte, for tests)
    line N                     line number of the following instructions
    label:                     jump target
    PUSH_CONST 2.5 | "s" | #k  number, string or explicit constant index
    LOAD name | #k             also STORE, LOAD_GLOBAL
    CALL name ARGC
    JUMP label                 also JUMP_IF_FALSE, ..., or a number (raw offset)
    MAKE_CLOSURE name local:x up:0 ...
    LOAD_UPVALUE 0             also STORE_UPVALUE, CLOSE_UPVALUE, MAKE_ARRAY, MAKE_DICT
    RAW 99 00                  raw hex bytes
    ADD, PRINT, HALT, ...      no operand

Used only to produce checked-in test files; `make test` never runs Python.
"""
import shlex
import struct
import sys

OPS = {
    "PUSH_CONST": 0x00, "PUSH_TRUE": 0x01, "PUSH_FALSE": 0x02, "PUSH_NONE": 0x03,
    "LOAD": 0x10, "STORE": 0x11, "LOAD_GLOBAL": 0x12, "LOAD_UPVALUE": 0x13,
    "STORE_UPVALUE": 0x14, "CLOSE_UPVALUE": 0x15,
    "ADD": 0x20, "SUB": 0x21, "MUL": 0x22, "DIV": 0x23, "MOD": 0x24, "NEG": 0x25,
    "EQ": 0x30, "NEQ": 0x31, "LT": 0x32, "LTE": 0x33, "GT": 0x34, "GTE": 0x35, "NOT": 0x36,
    "JUMP": 0x40, "JUMP_IF_FALSE": 0x41, "JUMP_IF_TRUE": 0x42,
    "PEEK_JUMP_IF_FALSE": 0x43, "PEEK_JUMP_IF_TRUE": 0x44,
    "CALL": 0x50, "RETURN": 0x51, "RETURN_NONE": 0x52, "MAKE_CLOSURE": 0x53,
    "MAKE_ARRAY": 0x60, "MAKE_DICT": 0x61, "GET_INDEX": 0x62, "SET_INDEX": 0x63,
    "PRINT": 0x70, "POP": 0x71, "HALT": 0xFF,
}
NAME_OPS = {"LOAD", "STORE", "LOAD_GLOBAL"}
COUNT_OPS = {"LOAD_UPVALUE", "STORE_UPVALUE", "CLOSE_UPVALUE", "MAKE_ARRAY", "MAKE_DICT"}
JUMP_OPS = {"JUMP", "JUMP_IF_FALSE", "JUMP_IF_TRUE", "PEEK_JUMP_IF_FALSE", "PEEK_JUMP_IF_TRUE"}


class Chunk:
    def __init__(self, name, params):
        self.name, self.params = name, params
        self.consts = []  # (tag, payload bytes, key)
        self.code = bytearray()
        self.lines = []
        self.line = 0
        self.labels = {}
        self.fixups = []  # (offset of u16, label)

    def const(self, kind, value):
        if kind == "num":
            key = ("num", struct.pack(">d", value))
            entry = (0, key[1], key)
        elif kind == "str":
            raw = value.encode("utf-8") if isinstance(value, str) else value
            key = ("str", raw)
            entry = (2, struct.pack(">H", len(raw)) + raw, key)
        elif kind == "bool":
            key = ("bool", value)
            entry = (1, bytes([value]), key)
        elif kind == "none":
            key = ("none",)
            entry = (3, b"", key)
        else:  # raw tag
            key = ("tag", value, len(self.consts))
            entry = (value, b"", key)
        for i, c in enumerate(self.consts):
            if c[2] == key:
                return i
        self.consts.append(entry)
        return len(self.consts) - 1

    def emit(self, *bs):
        for b in bs:
            self.code.append(b & 0xFF)
            self.lines.append(self.line)

    def serialize(self):
        name = self.name.encode("utf-8") if isinstance(self.name, str) else self.name
        out = struct.pack(">H", len(name)) + name + bytes([self.params, 0, len(self.consts) & 0xFF])
        for tag, payload, _ in self.consts:
            out += bytes([tag]) + payload
        out += struct.pack(">I", len(self.code)) + bytes(self.code)
        out += struct.pack(">I", len(self.lines)) + b"".join(struct.pack(">I", l) for l in self.lines)
        return out


def operand_const(chunk, tok):
    if tok.startswith("#"):
        return int(tok[1:])
    if tok.startswith('"'):
        return chunk.const("str", shlex.split(tok)[0])
    return chunk.const("num", float(tok))


def assemble(text):
    chunks = []
    c = None
    for raw in text.splitlines():
        line = raw.split(";", 1)[0].strip() if not raw.strip().startswith("const str") else raw.strip()
        if not line:
            continue
        toks = shlex.split(line, posix=False)
        op = toks[0]
        if op == "chunk":
            c = Chunk(toks[1], int(toks[2]))
            chunks.append(c)
        elif op == "const":
            kind = toks[1]
            if kind == "num":
                c.const("num", float(toks[2]))
            elif kind == "str":
                c.const("str", shlex.split(toks[2])[0])
            elif kind == "bool":
                c.const("bool", int(toks[2]))
            elif kind == "none":
                c.const("none", None)
            else:
                c.const("tag", int(toks[2]))
        elif op == "line":
            c.line = int(toks[1])
        elif op.endswith(":"):
            c.labels[op[:-1]] = len(c.code)
        elif op == "RAW":
            c.emit(*[int(t, 16) for t in toks[1:]])
        elif op in NAME_OPS:
            k = int(toks[1][1:]) if toks[1].startswith("#") else c.const("str", toks[1])
            c.emit(OPS[op], k)
        elif op == "PUSH_CONST":
            c.emit(OPS[op], operand_const(c, toks[1]))
        elif op in COUNT_OPS:
            c.emit(OPS[op], int(toks[1]))
        elif op in JUMP_OPS:
            c.emit(OPS[op])
            if toks[1].isdigit():
                c.emit(int(toks[1]) >> 8, int(toks[1]))
            else:
                c.fixups.append((len(c.code), toks[1]))
                c.emit(0xFF, 0xFF)
        elif op == "CALL":
            k = int(toks[1][1:]) if toks[1].startswith("#") else c.const("str", toks[1])
            c.emit(OPS[op], k, int(toks[2]))
        elif op == "MAKE_CLOSURE":
            k = c.const("str", toks[1])
            descs = toks[2:]
            c.emit(OPS[op], k, len(descs))
            for d in descs:
                kind, _, val = d.partition(":")
                data = val.encode("utf-8")
                c.emit(1 if kind == "local" else 0 if kind == "up" else int(kind), len(data), *data)
        else:
            c.emit(OPS[op])
    for ch in chunks:
        for off, label in ch.fixups:
            target = ch.labels[label]
            ch.code[off], ch.code[off + 1] = target >> 8, target & 0xFF
    return chunks


def whbc(chunks, magic=b"WHBC", version=4, trailing=b""):
    out = magic + bytes([version]) + struct.pack(">H", len(chunks))
    for ch in chunks:
        out += ch.serialize()
    return out + trailing


if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        data = whbc(assemble(f.read()))
    with open(dst, "wb") as f:
        f.write(data)
