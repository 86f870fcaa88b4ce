#!/usr/bin/env python3
"""Edit a shadowgd checkpoint for the rejection tests (format: src/run/checkpoint.h).

ckpt_patch.py FILE flip OFFSET          xor one byte with 0x5a (checksum left stale)
ckpt_patch.py FILE u32 OFFSET VALUE     set a u32 and re-seal (length, checksum)
ckpt_patch.py FILE field NAME VALUE     set a named u32 config field and re-seal
ckpt_patch.py FILE offset NAME          print the offset of a named field
"""
import struct
import sys


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def offsets(b):
    """offsets of the u32 fields up to the config's digest flag"""
    off = {"version": 8, "flags": 12}
    p = 24
    n = struct.unpack_from("<I", b, p)[0]
    p += 4 + n
    for name in ("loss", "d", "k", "n"):
        off[name] = p
        p += 4
    p += 8 + 8 + 8          # sigma, mu, steps
    off["init"] = p
    p += 4 + 8              # init, seed
    off["target"] = p
    p += 4
    n = struct.unpack_from("<I", b, p)[0]
    p += 4 + n
    off["dump"] = p
    p += 4 + 8              # dump, checkpoint_every
    off["digest"] = p
    return off


def seal(b):
    struct.pack_into("<Q", b, 16, len(b))
    struct.pack_into("<Q", b, len(b) - 8, fnv1a(bytes(b[:-8])))


def main():
    path, op = sys.argv[1], sys.argv[2]
    b = bytearray(open(path, "rb").read())
    if op == "flip":
        b[int(sys.argv[3])] ^= 0x5A
    elif op == "u32":
        struct.pack_into("<I", b, int(sys.argv[3]), int(sys.argv[4]))
        seal(b)
    elif op == "field":
        struct.pack_into("<I", b, offsets(b)[sys.argv[3]], int(sys.argv[4]))
        seal(b)
    elif op == "offset":
        print(offsets(b)[sys.argv[3]])
        return
    open(path, "wb").write(b)


main()
