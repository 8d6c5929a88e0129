#!/usr/bin/env python3
"""Adapts wasm-bindgen's bundler glue to the wasm2js build of the content script.

1. The glue imports the module as "./nobi_content_bg.wasm"; wasm2js made it a JS file.
2. The glue caches typed-array views of wasm memory and re-creates them only when the old buffer
   is detached (byteLength 0). wasm2js replaces `memory.buffer` on growth WITHOUT detaching the
   old one, so strings would be read from a stale buffer: re-create views whenever the buffer
   object changed.
Fails loudly if the glue no longer has the expected shape (a wasm-bindgen upgrade changed it)."""
import pathlib, re, sys

out = pathlib.Path(sys.argv[1])
entry = out / "nobi_content.js"
text = entry.read_text()
if "./nobi_content_bg.wasm\"" not in text:
    sys.exit("patch-wasm2js-glue: the bundler glue no longer imports ./nobi_content_bg.wasm")
entry.write_text(text.replace("./nobi_content_bg.wasm\"", "./nobi_content_bg.wasm.js\""))

bg = out / "nobi_content_bg.js"
text = bg.read_text()
pattern = re.compile(r"(cached\w+Memory0) === null \|\| \1\.byteLength === 0")
text, n = pattern.subn(r"\1 === null || \1.buffer !== wasm.memory.buffer", text)
dv = re.compile(r"(cachedDataViewMemory0) === null \|\| \1\.buffer\.detached === true \|\| \(\1\.buffer\.detached === undefined && \1\.buffer !== wasm\.memory\.buffer\)")
text, m = dv.subn(r"\1 === null || \1.buffer !== wasm.memory.buffer", text)
if n + m == 0:
    sys.exit("patch-wasm2js-glue: found no cached memory view to patch; check the glue")
bg.write_text(text)
print(f"patch-wasm2js-glue: {n + m} memory views now follow memory.buffer")
