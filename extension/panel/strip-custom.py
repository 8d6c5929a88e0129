#!/usr/bin/env python3
"""Removes the custom sections (names, producers) of wasm files in place.

Usage: strip-custom.py FILE.wasm...
Only custom sections (id 0) go; every other section is copied byte for byte, so function and
table indices are unchanged (the panel's wasm-split chunks refer to the main module by index)."""
import sys


def leb128(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def strip(path):
    data = open(path, "rb").read()
    if data[:4] != b"\0asm":
        sys.exit(f"{path}: not a wasm module")
    out = bytearray(data[:8])
    i = 8
    while i < len(data):
        start = i
        section_id = data[i]
        size, body = leb128(data, i + 1)
        end = body + size
        if section_id != 0:
            out += data[start:end]
        i = end
    open(path, "wb").write(out)


for p in sys.argv[1:]:
    strip(p)
