#!/usr/bin/env python3
"""Edit a shadowgd checkpoint for the rejection tests (format: src/run/checkpoint.h).

ckpt_patch.py FILE flip OFFSET          xor one byte with 0x5a (checksum left stale)
ckpt_patch.py FILE u32 OFFSET VALUE     set a u32 and re-seal (length, checksum)
ckpt_patch.py FILE field NAME VALUE     set a named u32 field and re-seal
                                        (model: the first 4 bytes of the model name;
                                        model_hash: the low half of the model's
                                        config hash; dump, digest: the flags)
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
    """offsets of the u32 fields up to the model's config hash (format 2)"""
    off = {"version": 8, "flags": 12}
    p = 24
    n = struct.unpack_from("<I", b, p)[0]   # program version
    p += 4 + n
    n = struct.unpack_from("<I", b, p)[0]   # model name
    off["model"] = p + 4
    p += 4 + n
    p += 8 + 8 + 8          # mu, steps, seed
    off["dump"] = p
    p += 4 + 8              # dump, checkpoint_every
    off["digest"] = p
    p += 4
    off["model_hash"] = p
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
