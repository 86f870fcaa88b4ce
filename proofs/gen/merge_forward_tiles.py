# merge_forward_tiles.py -- see forward_tiles.py: merges the real-model and
# rounding-run bodies by annotation units (a /*@ ... */ block is one unit,
# so no #ifdef falls inside a comment) and splices the result into
# sg_forward_tiles in src/kernels/relu/forward.c.
import difflib
src=open('proofs/gen/forward_tiles.py').read()
src=src[:src.index('import sys\nprint(')]
ns={}
exec(src,ns)
def units(text):
    L=text.split('\n'); U=[]; cur=None
    for line in L:
        if cur is not None:
            cur.append(line)
            if '*/' in line: U.append('\n'.join(cur)); cur=None
        elif '/*@' in line and '*/' not in line:
            cur=[line]
        else: U.append(line)
    assert cur is None
    return U
A=units(ns['tiles'](True)); B=units(ns['tiles'](False))
out=[]
for tag,i1,i2,j1,j2 in difflib.SequenceMatcher(None,A,B,autojunk=False).get_opcodes():
    if tag=='equal': out+=A[i1:i2]
    else:
        out.append('#ifdef SG_FL_ROUNDING'); out+=A[i1:i2]
        if j2>j1: out.append('#else'); out+=B[j1:j2]
        out.append('#endif')
body='\n'.join(out)
if ns['R']==1:
    body=body.replace('int ib = ie > 1 ? ie - 1 : 0;\n        int nb = ie - ib;','int ib = ie - 1;').replace('nb > 0 ==> ','').replace('(nb > 0 ? k : 0)','k').replace('(nb == 1 ==> ie*k == o0 + 1*k)','ie*k == o0 + k').replace('i0 == ib + 0','i0 == ib')
    assert 'nb' not in body, [l for l in body.split('\n') if 'nb' in l]
p='src/kernels/relu/forward.c'
s=open(p).read()
a=s.index('static void sg_forward_tiles(')
a=s.index('{\n',a)+2
b=s.index('\n}\n',a)
s=s[:a]+body.rstrip('\n')+s[b:]
open(p,'w').write(s)
