#!/usr/bin/env python3
"""Where a wasm file's code goes, by function name: the raw code size of each function (code
section), named from the name section, summed by the regular expressions given and listed
largest first. For choosing what to cut in Porte's wasm (issue 18); `scripts/weigh` gives the
brotli total, this the parts.

    source scripts/env.sh && scripts/weigh        # builds minimal's wasm-release
    wasm-bindgen --keep-debug --target web --no-typescript --out-dir /tmp/wa \\
      "$CARGO_TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/minimal.wasm"
    end2end/bench/wasm-functions.py /tmp/wa/minimal_bg.wasm porte serde 'Deserialize|Visitor' \\
      --top 20 --filter deserialize_struct

Sizes are before wasm-opt and compression: compare them with each other, not with the KB that
`scripts/weigh` prints. The data section (strings, tables) is printed too: it has no names, but a
table can outweigh the code that reads it (Rust's float parser brings 10 KB of one). Standard
library only.
"""
import argparse
import collections
import re
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


def skip_limits(data, i):
    flags, i = leb128(data, i)
    _, i = leb128(data, i)
    return leb128(data, i)[1] if flags & 1 else i


def data_size(data):
    """Bytes of the data section: the module's strings and tables."""
    i = 8
    while i < len(data):
        section = data[i]
        length, i = leb128(data, i + 1)
        if section == 11:
            return length
        i += length
    return 0


def functions(data):
    """(name, code size) of every function defined in the module."""
    if data[:4] != b"\0asm":
        sys.exit("not a wasm file")
    imported, sizes, names = 0, [], {}
    i = 8
    while i < len(data):
        section = data[i]
        length, i = leb128(data, i + 1)
        end = i + length
        if section == 2:  # imports: function imports take the first function indices
            count, j = leb128(data, i)
            for _ in range(count):
                for _ in range(2):  # module and field names
                    n, j = leb128(data, j)
                    j += n
                kind = data[j]
                j += 1
                if kind == 0:
                    imported += 1
                    j = leb128(data, j)[1]
                elif kind == 1:
                    j = skip_limits(data, j + 1)
                elif kind == 2:
                    j = skip_limits(data, j)
                else:
                    j += 2
        elif section == 10:  # code
            count, j = leb128(data, i)
            for _ in range(count):
                size, j = leb128(data, j)
                sizes.append(size)
                j += size
        elif section == 0:  # custom: the "name" section's function names
            n, j = leb128(data, i)
            if data[j : j + n] == b"name":
                j += n
                while j < end:
                    kind = data[j]
                    size, j = leb128(data, j + 1)
                    if kind == 1:
                        count, k = leb128(data, j)
                        for _ in range(count):
                            index, k = leb128(data, k)
                            n, k = leb128(data, k)
                            names[index] = data[k : k + n].decode("utf-8", "replace")
                            k += n
                    j += size
        i = end
    if not names:
        sys.exit("no name section: run wasm-bindgen with --keep-debug on a build that has names")
    return [(names.get(imported + f, f"<function {imported + f}>"), s) for f, s in enumerate(sizes)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wasm")
    parser.add_argument("groups", nargs="*", help="regular expressions to sum sizes by")
    parser.add_argument("--top", type=int, default=0, help="list the N largest functions")
    parser.add_argument("--filter", default="", help="only list functions matching this")
    args = parser.parse_args()
    with open(args.wasm, "rb") as f:
        data = f.read()
    funcs = functions(data)
    total = sum(size for _, size in funcs)
    print(f"{total:9d} 100.0% all code ({len(funcs)} functions)")
    print(f"{data_size(data):9d}        data section (strings, tables; not in the total)")
    for pattern in args.groups:
        regex = re.compile(pattern)
        size = sum(s for name, s in funcs if regex.search(name))
        print(f"{size:9d} {100 * size / total:5.1f}% {pattern}")
    if args.top:
        by_name = collections.Counter()
        for name, size in funcs:
            if re.search(args.filter, name):
                # Crate hashes make the same path look different between builds.
                by_name[re.sub(r"\[[0-9a-f]{12,16}\]", "", name)] += size
        for name, size in by_name.most_common(args.top):
            print(f"{size:9d} {name[-160:]}")


if __name__ == "__main__":
    main()
