# merge_forward_tiles.py -- see forward_tiles.py: merges the real-model and
# rounding-run bodies by annotation units (a /*@ ... */ block is one unit,
# so no #ifdef falls inside a comment) and splices the result into
# sg_forward_tiles in src/kernels/relu/forward.c.
# Usage (from the top directory):
#   python3 proofs/gen/merge_forward_tiles.py            rewrite forward.c
#   python3 proofs/gen/merge_forward_tiles.py --check [FILE]
#       exit 1 if FILE (default forward.c) is not what the generator
#       writes (make proofs-gen-check: an edit of forward.c's tiled body
#       that bypassed the generator)
import difflib, sys
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
args=sys.argv[1:]
check=bool(args) and args[0]=='--check'
if check: args=args[1:]
p=args[0] if args else 'src/kernels/relu/forward.c'
old=open(p).read()
a=old.index('static void sg_forward_tiles(')
a=old.index('{\n',a)+2
b=old.index('\n}\n',a)
s=old[:a]+body.rstrip('\n')+old[b:]
if check:
    if s!=old:
        sys.exit(f"proofs-gen-check: {p}: sg_forward_tiles differs from proofs/gen/forward_tiles.py's output")
    print(f"proofs-gen-check: {p}: sg_forward_tiles is the generator's output")
else:
    open(p,'w').write(s)
