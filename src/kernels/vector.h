/* vector.h -- how the kernels get vector code without losing determinism
 * (issue 14, docs/determinism.md).
 *
 * SG_VECTOR_CLONES on a kernel's definition asks the compiler for three
 * versions of it (function multiversioning): the baseline x86-64 (SSE2)
 * one, an AVX2 one and an AVX-512F one; the dynamic loader picks the best
 * the CPU has, so one binary is fast here and still runs on any x86-64.
 * The clones differ only in vector width: -ffp-contract=off and the absence
 * of -ffast-math hold for every clone, so no clone fuses a*b+c or reorders
 * a sum, and every clone gives the bits of the documented order
 * (tests/determinism.sh compares the SSE2-only build against the default).
 *
 * Off (plain functions) for Frama-C (the proofs see one function), when
 * SG_NO_CLONES is defined (the SSE2-only build: make CFLAGS=-DSG_NO_CLONES),
 * off x86-64 or without GNU C attributes, and with clang: clang 14 names
 * the dispatcher "f.ifunc" and, with the attribute also on the prototype,
 * a caller in another file got a wrong result (measured, /tmp test with
 * clang 14.0.6), so clang builds get vector code from an explicit ISA
 * instead (make CC=clang CFLAGS=-march=x86-64-v3; docs/determinism.md).
 */
#ifndef SG_VECTOR_H
#define SG_VECTOR_H

#if defined(__FRAMAC__) || defined(SG_NO_CLONES) || defined(__clang__) || !defined(__x86_64__) || \
    !defined(__GNUC__)
#define SG_VECTOR_CLONES
#else
#define SG_VECTOR_CLONES __attribute__((target_clones("default", "avx2", "avx512f")))
#endif

#endif
