# forward_tiles.py -- writes the body of sg_forward_tiles (forward.c) with its
# annotations for R samples x 8 columns, in the real model and in the
# rounding run; proofs/gen/merge_forward_tiles.py merges the two into one
# body (the C lines are shared, the annotations differing in #ifdef
# SG_FL_ROUNDING) and puts it into src/kernels/relu/forward.c.  Run from the
# top directory: python3 proofs/gen/merge_forward_tiles.py.  Written so that
# the R repeated loops stay identical when an annotation changes.
R = 2
def tiles(fl):
    CD = "FlTileDot" if fl else "TileDot"
    PQ = "FlPreActq" if fl else "PreActq"
    PA = "FlPreAct" if fl else "PreAct"
    o = []
    w = o.append
    # ---------- transposition ----------
    w("""    int kp = SG_FWD_PAD(k);
    //@ assert kp_def: kp == Pad8(k) && k <= kp && kp % 8 == 0 && kp <= k + 7;
    /*@ loop invariant l_range: -1 <= l < d;
        loop invariant wt_done: \\forall integer t; (l + 1) * kp <= t < kp*d ==>
          Wt[t] == WtPad{Pre}(W, d, k, kp, t);
        loop assigns l, Wt[0 .. kp*d - 1];
        loop variant l + 1;
    */
    for (int l = d - 1; l >= 0; l--) {
        //@ ghost sg_row_lemma(l, d, kp);
        //@ ghost sg_next_row_lemma(l, kp);
        /*@ loop invariant t_range: -1 <= t < kp;
            loop invariant wt_done: \\forall integer s; l*kp + t + 1 <= s < kp*d ==>
              Wt[s] == WtPad{Pre}(W, d, k, kp, s);
            loop assigns t, Wt[l*kp .. l*kp + kp - 1];
            loop variant t + 1;
        */
        for (int t = kp - 1; t >= 0; t--) {
            int j = t < k ? t : k - 1;
            //@ assert clamp: j == Clamp(t, k) && 0 <= j < k;
            /*@ assert pad_def: \\let s = l*kp + t; \\let b = Clamp(s - (s / kp) * kp, k) * d + s / kp;
                  WtPad{Pre}(W, d, k, kp, s) == \\at(W[b], Pre); */
            //@ ghost sg_divmod_lemma(l, t, kp);
            //@ ghost sg_row_lemma(j, k, d);
            //@ assert t_div: (l*kp + t) / kp == l;
            //@ assert t_src: \\let s = l*kp + t; Clamp(s - (s / kp) * kp, k) * d + s / kp == j*d + l;
            /*@ assert src_pad: \\let s = l*kp + t; \\let b = j*d + l;
                  WtPad{Pre}(W, d, k, kp, s) == \\at(W[b], Pre); */
            //@ assert src: \\let b = j*d + l; W[b] == \\at(W[b], Pre);
            Wt[(long)l * kp + t] = W[(long)j * d + l];
        }
    }""")
    done = lambda ind, lo, hi: (f"{ind}loop invariant z_done: \\forall integer q; {lo} <= q < {hi} ==>\n"
                                f"{ind}  Z[q] == {PQ}{{Pre}}(X, W, d, k, q) && H[q] == Relu(Z[q]);")
    # ---------- sample blocks ----------
    w(f"""    /*@ loop invariant ie_range: 0 <= ie <= n;
        loop invariant wt: \\forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{{Pre}}(W, d, k, kp, t);
{done('        ', 'ie*k', 'n*k')}
        loop assigns ie, Z[0 .. n*k - 1], H[0 .. n*k - 1];
        loop variant ie;
    */
    for (int ie = n; ie > 0;) {{
        int ib = ie > {R} ? ie - {R} : 0;
        int nb = ie - ib;
        //@ ghost sg_row_lemma(ib, n, d);
        //@ ghost sg_row_lemma(ib, n, k);""")
    for r in range(R):
        w(f"        //@ ghost sg_next_row_lemma(ib + {r}, k);")
        w(f"        //@ ghost sg_next_row_lemma(ib + {r}, d);")
    w("        int i0 = ib;")
    for r in range(1, R):
        w(f"        int i{r} = ib + {r} < n ? ib + {r} : n - 1;")
    for r in range(R):
        w(f"        long x{r} = (long)i{r} * d, o{r} = (long)i{r} * k;")
    for r in range(R):
        w(f"        //@ ghost sg_row_lemma(i{r}, n, d);")
        w(f"        //@ ghost sg_row_lemma(i{r}, n, k);")
        w(f"        //@ assert row{r}: nb > {r} ==> i{r} == ib + {r};")
    if R > 1:
        w("        //@ assert o_rel: " + " && ".join(f"(nb > {r} ==> o{r} == o{r-1} + k)" for r in range(1, R)) + ";")
    # every row's facts carry the guard nb > r, also the first's (nb >= 1
    # always): without it, the jb loop's `wt` preservation took CVC4 3-4
    # min (proofs/README.md)
    G = lambda r: f"nb > {r} ==> "
    rowinv = lambda ind, lim, upto=0: "\n".join(
        f"{ind}loop invariant row_done{r}: {G(r)}\\forall integer q; o{r} <= q < o{r} + {lim if r >= upto else lim + ' + 8'} && q < o{r} + k ==>\n"
        f"{ind}  Z[q] == {PQ}{{Pre}}(X, W, d, k, q) && H[q] == Relu(Z[q]);"
        for r in range(R))
    zassigns = ", ".join(f"Z[o{r} .. o{r} + (nb > {r} ? k : 0) - 1]" for r in range(R))
    hassigns = ", ".join(f"H[o{r} .. o{r} + (nb > {r} ? k : 0) - 1]" for r in range(R))
    w(f"""        /*@ loop invariant jb_range: 0 <= jb <= kp && jb % 8 == 0;
            loop invariant wt: \\forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{{Pre}}(W, d, k, kp, t);
{done('            ', 'ie*k', 'n*k')}
{rowinv('            ', 'jb')}
            loop assigns jb, {zassigns},
              {hassigns};
            loop variant kp - jb;
        */
        for (int jb = 0; jb < k; jb += 8) {{
""")
    for r in range(R):
        w(f"            double a{r}[8] = {{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}};")
    # l loop
    accinv = "\n".join(f"                loop invariant acc{r}: \\forall integer e; 0 <= e < 8 ==>\n"
                       f"                  a{r}[e] == {CD}{{Pre}}(X, x{r}, W, d, jb, e, k, l);" for r in range(R))
    if fl:
        accinv += "\n" + "\n".join(f"                loop invariant mag{r}: \\forall integer e; 0 <= e < 8 ==>\n"
                       f"                  \\abs({CD}{{Pre}}(X, x{r}, W, d, jb, e, k, l)) <= (l + 1) * 0x1p1002;" for r in range(R))
    w(f"""            /*@ loop invariant l_range: Upto(l, d);
{accinv}
                loop assigns l, {", ".join(f"a{r}[0 .. 7]" for r in range(R))};
                loop variant d - l;
            */
            for (int l = 0; l < d; l++) {{
                long wl = (long)l * kp;
                //@ assert wl_def: wl == l*kp && jb + 8 <= kp;
                //@ ghost sg_row_lemma(l, d, kp);""")
    for r in range(R):
        w(f"                double y{r} = X[x{r} + l];")
        w(f"                //@ assert same_x{r}: \\let a = x{r} + l; y{r} == \\at(X[a], Pre);")
    for r in range(R):
        others = [s for s in range(R) if s != r]
        adv = (f"                    loop invariant adv: \\forall integer e; 0 <= e < c ==>\n"
               f"                      a{r}[e] == {CD}{{Pre}}(X, x{r}, W, d, jb, e, k, l + 1);\n"
               f"                    loop invariant pend: \\forall integer e; c <= e < 8 ==>\n"
               f"                      a{r}[e] == {CD}{{Pre}}(X, x{r}, W, d, jb, e, k, l);")
        if fl:
            adv += (f"\n                    loop invariant mag_adv: \\forall integer e; 0 <= e < c ==>\n"
                    f"                      \\abs({CD}{{Pre}}(X, x{r}, W, d, jb, e, k, l + 1)) <= (l + 2) * 0x1p1002;\n"
                    f"                    loop invariant mag: \\forall integer e; c <= e < 8 ==>\n"
                    f"                      \\abs({CD}{{Pre}}(X, x{r}, W, d, jb, e, k, l)) <= (l + 1) * 0x1p1002;")
        w(f"""                /*@ loop invariant c_range: Upto(c, 8);
{adv}
                    loop assigns c, a{r}[0 .. 7];
                    loop variant 8 - c;
                */
                for (int c = 0; c < 8; c++) {{
                    //@ ghost int jc = jb + c < k ? jb + c : k - 1;
                    //@ assert clamp: jc == Clamp(jb + c, k) && 0 <= jc < k;
                    //@ ghost sg_row_lemma(jc, k, d);
                    //@ assert wt_c: \\let t = wl + jb + c; Wt[t] == WtPad{{Pre}}(W, d, k, kp, t);
                    /*@ assert pad_def: \\let t = wl + jb + c; \\let b = Clamp(t - (t / kp) * kp, k) * d + t / kp;
                          WtPad{{Pre}}(W, d, k, kp, t) == \\at(W[b], Pre); */
                    //@ ghost sg_divmod_lemma(l, jb + c, kp);
                    //@ assert t_div: (wl + jb + c) / kp == l;
                    /*@ assert t_src: \\let t = wl + jb + c;
                          Clamp(t - (t / kp) * kp, k) * d + t / kp == Clamp(jb + c, k) * d + l; */
                    /*@ assert wt_src: \\let t = wl + jb + c; \\let b = Clamp(jb + c, k) * d + l;
                          WtPad{{Pre}}(W, d, k, kp, t) == \\at(W[b], Pre); */
                    /*@ assert wt_val: \\let t = wl + jb + c; \\let b = Clamp(jb + c, k) * d + l;
                          Wt[t] == \\at(W[b], Pre); */""")
        if fl:
            w(f"""                    /*@ assert next: \\let a = x{r} + l; \\let b = Clamp(jb + c, k) * d + l;
                          {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l + 1) ==
                          FlAdd({CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l), FlMul(\\at(X[a], Pre), \\at(W[b], Pre))); */
                    double w = Wt[wl + jb + c];
                    //@ assert w_pre: \\let b = Clamp(jb + c, k) * d + l; w == \\at(W[b], Pre);
                    //@ ghost sg_fl_prodmag(y{r}, w);
                    double p = SG_MUL(y{r}, w);
                    /*@ assert term: \\let a = x{r} + l; \\let b = Clamp(jb + c, k) * d + l;
                          p == FlMul(\\at(X[a], Pre), \\at(W[b], Pre)) && \\abs(p) <= 0x1p1001; */
                    /*@ assert old: a{r}[c] == {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l) &&
                          \\abs(a{r}[c]) <= (l + 1) * 0x1p1002; */
                    //@ ghost double s0 = a{r}[c];
                    //@ ghost sg_fl_acc_next(l, s0, p, s0 + p);
                    a{r}[c] = SG_ADD(a{r}[c], p);
                    //@ ghost sg_fl_acc_next(l, s0, p, a{r}[c]);
                    //@ assert new: a{r}[c] == {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l + 1);
                    //@ assert new_mag: \\abs({CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l + 1)) <= (l + 2) * 0x1p1002;
                }}""")
        else:
            w(f"""                    /*@ assert next: \\let a = x{r} + l; \\let b = Clamp(jb + c, k) * d + l;
                          {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l + 1) ==
                          {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l) + \\at(X[a], Pre) * \\at(W[b], Pre); */
                    double w = Wt[wl + jb + c];
                    //@ assert w_pre: \\let b = Clamp(jb + c, k) * d + l; w == \\at(W[b], Pre);
                    double p = SG_MUL(y{r}, w);
                    /*@ assert term: \\let a = x{r} + l; \\let b = Clamp(jb + c, k) * d + l;
                          p == \\at(X[a], Pre) * \\at(W[b], Pre); */
                    //@ assert old: a{r}[c] == {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l);
                    a{r}[c] = SG_ADD(a{r}[c], p);
                    //@ assert new: a{r}[c] == {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, l + 1);
                }}""")
    w("            }")
    # stores
    for r in range(R):
        # the rows after the first: the test nb > r is in the loop's
        # condition, not an if around it -- with an if, the jb loop's
        # `wt` preservation had to merge the two branches' memories and
        # cost Z3 9.97M of its 10M steps in the whole-function run
        ind = "            "
        grd = f"nb > {r} && " if r > 0 else ""
        hi = f"(nb > {r} ? (jb + 8 < k ? jb + 8 : k) : jb)" if r > 0 else "(jb + 8 < k ? jb + 8 : k)"
        sgd = f"nb > {r} ==> " if r > 0 else ""
        w(f"""{ind}/*@ loop invariant c_range: 0 <= c <= 8 && j == jb + c && j <= k;
{done(ind + '    ', 'ie*k', 'n*k')}
{rowinv(ind + '    ', 'jb', r)}
{ind}    loop invariant wt: \\forall integer t; 0 <= t < kp*d ==> Wt[t] == WtPad{{Pre}}(W, d, k, kp, t);
{ind}    loop invariant tile: \\forall integer q; o{r} + jb <= q < o{r} + j ==>
{ind}      Z[q] == {PQ}{{Pre}}(X, W, d, k, q) && H[q] == Relu(Z[q]);
{ind}    loop assigns c, j, Z[o{r} + jb .. o{r} + {hi} - 1],
{ind}      H[o{r} + jb .. o{r} + {hi} - 1];
{ind}    loop variant 8 - c;
{ind}*/
{ind}for (int c = 0, j = jb; {grd}c < 8 && j < k; c++, j++) {{
{ind}    //@ assert cell: a{r}[c] == {CD}{{Pre}}(X, x{r}, W, d, jb, c, k, d);
{ind}    //@ assert clamp: Clamp(jb + c, k) == jb + c;
{ind}    /*@ assert q_def: \\let q = o{r} + jb + c; {PQ}{{Pre}}(X, W, d, k, q) ==
{ind}          {PA}{{Pre}}(X, W, d, q / k, q - (q / k) * k); */
{ind}    {'//@ assert o0_def: o0 == ib*k && i0 == ib;' if r == 0 else '//@ assert o_def: o' + str(r) + ' == i' + str(r) + '*k;'}
{ind}    //@ ghost sg_divmod_lemma({'ib' if r == 0 else 'i' + str(r)}, jb + c, k);
{ind}    /*@ assert q_ij: \\let q = o{r} + jb + c;
{ind}          {PA}{{Pre}}(X, W, d, q / k, q - (q / k) * k) == {PA}{{Pre}}(X, W, d, {'ib' if r == 0 else 'i' + str(r)}, jb + c); */
{ind}    //@ assert cell_ij: a{r}[c] == {PA}{{Pre}}(X, W, d, i{r}, jb + c);
{ind}    //@ assert cell_q: \\let q = o{r} + jb + c; a{r}[c] == {PQ}{{Pre}}(X, W, d, k, q);
{ind}    Z[o{r} + j] = a{r}[c];
{ind}    H[o{r} + j] = sg_relu(a{r}[c]);
{ind}}}
{ind}/*@ assert stored{r}: {sgd}\\forall integer q; o{r} <= q < o{r} + jb + 8 && q < o{r} + k ==>
{ind}      Z[q] == {PQ}{{Pre}}(X, W, d, k, q) && H[q] == Relu(Z[q]); */""")
    for r in range(R):
        w(f"""            /*@ assert cols_done{r}: {G(r)}\\forall integer q; o{r} <= q < o{r} + jb + 8 && q < o{r} + k ==>
                  Z[q] == {PQ}{{Pre}}(X, W, d, k, q) && H[q] == Relu(Z[q]); */""")
    w("        }")
    # extend done range
    for r in range(R):
        w(f"""        /*@ assert full{r}: {G(r)}\\forall integer q; o{r} <= q < o{r} + k ==>
              Z[q] == {PQ}{{Pre}}(X, W, d, k, q) && H[q] == Relu(Z[q]); */""")
    w("        /*@ assert o_lin: o0 == ib*k" + "".join(f" && (nb > {r} ==> o{r} == o0 + {r}*k)" for r in range(1, R)) + "; */")
    w("        /*@ assert next_ib: " + " && ".join(f"(nb == {r} ==> ie*k == o0 + {r}*k)" for r in range(1, R + 1)) + "; */")
    w(f"""        /*@ assert block_done: \\forall integer q; o0 <= q < ie*k ==>
              Z[q] == {PQ}{{Pre}}(X, W, d, k, q) && H[q] == Relu(Z[q]); */
        ie = ib;
    }}""")
    return "\n".join(o)

import sys
print("#ifdef SG_FL_ROUNDING")
print(tiles(True))
print("#else")
print(tiles(False))
print("#endif")
