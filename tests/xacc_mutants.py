#!/usr/bin/env python3
"""xacc_mutants.py -- the exact accumulator's tests (tests/test_xacc.c) catch
broken window code and broken fixed-point sums (issue 14, item 5): each
mutant of src/shadow/xacc.c or src/shadow/fixdot.c below is built with the
xacc suite alone and must FAIL it; the unmutated files must pass.  A mutant
whose text is not found is an error (the list went stale)."""
import os, subprocess, sys, tempfile

CC = os.environ.get("CC", "gcc")
SRC = "src/shadow/xacc.c"
FIX = "src/shadow/fixdot.c"
MAIN = r"""
#include <CUnit/Basic.h>
int register_xacc_suite(void);
int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS || register_xacc_suite())
        return 2;
    CU_basic_set_mode(CU_BRM_SILENT);
    CU_basic_run_tests();
    unsigned f = CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return f ? 1 : 0;
}
"""
# (name, text, occurrence, replacement, extra compiler flags): the add
# chains are inline asm on x86-64 and portable C elsewhere (SG_XACC_NO_ASM
# builds the latter here); each is mutated in the build that uses it
ASM = []
C = ["-DSG_XACC_NO_ASM"]
MUTANTS = [
    ("asm four-word chain: top carry dropped", '"adcq %[v3], %[w3]"', 0, '"addq %[v3], %[w3]"',
     ASM),
    ("asm four-word chain: negation's +1 dropped", '__asm__("btq $0, %[m]\\n\\t"', 0,
     '__asm__("clc\\n\\t"', ASM),
    ("asm three-word chain: top carry dropped", '"adcq %[v3], %[w3]"', 1, '"addq %[v3], %[w3]"',
     ASM),
    ("asm three-word chain: negation's +1 dropped", '__asm__("btq $0, %[m]\\n\\t"', 1,
     '__asm__("clc\\n\\t"', ASM),
    ("C two-limb add: top carry dropped", "(void)addc(c, w.w3, v3 ^ m, &w.w3);", 0,
     "(void)addc(0, w.w3, v3 ^ m, &w.w3);", C),
    ("C two-limb add: negation's +1 dropped", "c = addc((unsigned char)(m & 1), w.w0", 0,
     "c = addc(0, w.w0", C),
    ("C one-limb add: top carry dropped", "(void)addc(c, w.w3, v3 ^ m, &w.w3);", 1,
     "(void)addc(0, w.w3, v3 ^ m, &w.w3);", C),
    ("C one-limb add: negation's +1 dropped",
     "unsigned char c = addc((unsigned char)(m & 1), w.w1", 0, "unsigned char c = addc(0, w.w1",
     C),
    ("one-limb run: position one bit off", "xl->e - 64 - 1075 + (long)ex", 0,
     "xl->e - 64 - 1074 + (long)ex", ASM),
    ("one-limb run: sign of x ignored", "^ (uint64_t)(xl->sign < 0));", 0, ");", ASM),
    ("one-limb run: accepts a subnormal b", "if (ex - 1 >= 0x7fe)", 0, "if (ex >= 0x7ff)", ASM),
    ("window placed one bit off", "    *sh = 32;", 0, "    *sh = 31;", ASM),
    ("192-bit add: top word one bit off", "add_shifted(a, sign, u[q], pos + 64L * q);", 0,
     "add_shifted(a, sign, u[q], pos + 64L * q + (q == 2));", ASM),
    ("flush drops the lowest digit", "            if (dq != 0)", 0,
     "            if (dq != 0 && q > 0)", ASM),
]
# mutants of the fixed-point z (fixdot.c), built with the asm chains
FIX_MUTANTS = [
    ("fixed point: chunk's carry into the top word dropped",
     "hi += (uint64_t)(s < lo) - (uint64_t)(c < 0);", 0, "hi -= (uint64_t)(c < 0);"),
    ("fixed point: chunk's sign extension dropped",
     "hi += (uint64_t)(s < lo) - (uint64_t)(c < 0);", 0, "hi += (uint64_t)(s < lo);"),
    ("fixed point: one bit too many (q up to 2^63)", "long base = top - (SG_FIX_BITS - 1);", 0,
     "long base = top - SG_FIX_BITS;"),
    ("fixed point: slow test off by one", "if (e < base) {", 0, "if (e < base - 1) {"),
    ("fixed point: w's slow terms skipped", "        if (!xslow[l])\n", 0,
     "        if (0)\n"),
    ("fixed point: x's slow terms skipped", "        sg_xacc_add_xd(acc, &w[l], x[l]);\n    }\n    for", 0,
     "    }\n    for"),
    ("fixed point: rounding ignores the sign", "    if (neg)\n        mpz_neg(z, z);", 0, ""),
    ("one-pass conversion: base 18 bits off", "    v->base = (long)maxex - 1075 + sh0;", 0,
     "    v->base = (long)maxex - 1075 - sh0;"),
    ("one-pass conversion: sign dropped", "q[l] = (int64_t)((mag ^ neg) - neg);", 0,
     "q[l] = (int64_t)mag;"),
    ("one-pass conversion: entries below base taken", "uint64_t ok = (uint64_t)((ex != 0) & (sh >= 0));", 0,
     "uint64_t ok = (uint64_t)(ex != 0);"),
    ("fixed point: subnormal x taken as normal", "in[l].m = ex ? frac | (UINT64_C(1) << 52) : frac;", 0,
     "in[l].m = frac | (UINT64_C(1) << 52);"),
]


def replace_nth(s, sub, n, rep):
    i = -1
    for _ in range(n + 1):
        i = s.find(sub, i + 1)
        if i < 0:
            return None
    return s[:i] + rep + s[i + len(sub):]


def run(tmp, text, flags, fix_text):
    path = os.path.join(tmp, "xacc.c")
    with open(path, "w") as f:
        f.write(text)
    fpath = os.path.join(tmp, "fixdot.c")
    with open(fpath, "w") as f:
        f.write(fix_text)
    exe = os.path.join(tmp, "t")
    cmd = [CC, "-std=c11", "-O2", "-D_GNU_SOURCE", "-ffp-contract=off"] + flags + [
           "-Isrc", "-I.", "-o", exe,
           os.path.join(tmp, "main.c"), "tests/test_xacc.c", path, fpath, "src/shadow/xnum_mpfr.c", "-lcunit", "-lmpfr", "-lgmp",
           "-lm"]
    if subprocess.run(cmd).returncode != 0:
        sys.exit("xacc-mutants: build failed: " + " ".join(cmd))
    return subprocess.run([exe], stdout=subprocess.DEVNULL).returncode


def main():
    good = open(SRC).read()
    fix_good = open(FIX).read()
    caught = bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "main.c"), "w") as f:
            f.write(MAIN)
        for flags in (ASM, C):
            if run(tmp, good, flags, fix_good) != 0:
                sys.exit("xacc-mutants: the unmutated accumulator fails its tests " + str(flags))
        for name, sub, n, rep, flags in MUTANTS:
            text = replace_nth(good, sub, n, rep)
            if text is None:
                print("FAIL: mutant not applicable (text not found): " + name)
                bad += 1
                continue
            rc = run(tmp, text, flags, fix_good)
            if rc == 1:
                caught += 1
                print("ok: caught: " + name)
            else:
                bad += 1
                print("FAIL: survived (rc %d): %s" % (rc, name))
        for name, sub, n, rep in FIX_MUTANTS:
            text = replace_nth(fix_good, sub, n, rep)
            if text is None:
                print("FAIL: mutant not applicable (text not found): " + name)
                bad += 1
                continue
            rc = run(tmp, good, ASM, text)
            if rc == 1:
                caught += 1
                print("ok: caught: " + name)
            else:
                bad += 1
                print("FAIL: survived (rc %d): %s" % (rc, name))
    print("xacc-mutants: %d caught, %d not" % (caught, bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
