#!/usr/bin/env python3
"""fl_unmacro.py FILE -- FILE with every fl.h operation macro written out as
its plain C operator: SG_MUL(a, b) -> (a * b), SG_ADD -> +, SG_SUB -> -,
SG_DIV -> / (nested calls too).  tests/fl_identical.mk compiles both and
compares the object code: the macros must not change the program."""
import sys

OPS = {"SG_MUL": "*", "SG_ADD": "+", "SG_SUB": "-", "SG_DIV": "/"}


def split_args(s, i):
    """s[i] == '(': return ([arg, ...], index after the closing ')')."""
    depth, args, start = 0, [], i + 1
    for j in range(i, len(s)):
        c = s[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append(s[start:j])
                return args, j + 1
        elif c == "," and depth == 1:
            args.append(s[start:j])
            start = j + 1
    raise SystemExit("fl_unmacro: unbalanced parentheses")


def unmacro(s):
    out, i = [], 0
    while i < len(s):
        hit = None
        for name in OPS:
            if s.startswith(name + "(", i) and (i == 0 or not (s[i - 1].isalnum() or s[i - 1] == "_")):
                hit = name
                break
        if hit is None:
            out.append(s[i])
            i += 1
            continue
        args, end = split_args(s, i + len(hit))
        if len(args) != 2:
            raise SystemExit("fl_unmacro: %s with %d arguments" % (hit, len(args)))
        a, b = (unmacro(x).strip() for x in args)
        out.append("(%s %s %s)" % (a, OPS[hit], b))
        i = end
    return "".join(out)


def main():
    sys.stdout.write(unmacro(open(sys.argv[1]).read()))


if __name__ == "__main__":
    main()
