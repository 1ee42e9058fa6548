# Checks questions-dev.tsv and questions-heldout.tsv: 3 tab-separated columns, known kinds, grades 1-3,
# project numbers present in the seed snapshots, no duplicate queries, no overlap with judgements.tsv/heldout.tsv.
# Run: python3 check_questions.py
import json, collections, sys
import os
HERE=os.path.dirname(os.path.abspath(__file__))
S=os.path.join(HERE,'../../../watwerkt-import/tests/snapshots/')+'/'
ids=set()
for f in ['seeds__001_projects.snap','seeds__003_projects.snap']:
    t=open(S+f).read(); ids|={p['project_number'] for p in json.loads(t[t.index('\n[')+1:])}
assert len(ids)==50, len(ids)
R=HERE+'/'
old=set()
for fn in ['judgements.tsv','heldout.tsv']:
    for l in open(R+fn):
        if l.strip() and not l.startswith('#'): old.add(l.split('\t')[0].strip().lower())
seen={}; err=0; counts={}
KINDS={'keyword','question','concept','design','english','messy'}
for fn in ['questions-dev.tsv','questions-heldout.tsv']:
    c=collections.Counter(); lines=open(R+fn,encoding='utf-8').read().split('\n')
    assert lines[-1]=='' ; lines=lines[:-1]
    assert lines[0].startswith('#') and lines[1].startswith('#')
    for i,l in enumerate(lines,1):
        if l.startswith('#'): continue
        cols=l.split('\t')
        if len(cols)!=3: print(fn,i,'cols',len(cols)); err+=1; continue
        q,k,g=cols
        if not q.strip() or q!=q.strip(): print(fn,i,'query ws'); err+=1
        if k not in KINDS: print(fn,i,'kind',k); err+=1
        if q.lower() in seen: print(fn,i,'dup of',seen[q.lower()]); err+=1
        if q.lower() in old: print(fn,i,'in existing sets',q); err+=1
        seen[q.lower()]=fn
        if g:
            ps=[]
            for it in g.split(','):
                p,_,gr=it.partition(':')
                if p not in ids: print(fn,i,'unknown project',p); err+=1
                if gr not in ('1','2','3'): print(fn,i,'grade',gr); err+=1
                ps.append(p)
            if len(ps)!=len(set(ps)): print(fn,i,'dup project'); err+=1
        c[k]+=1
    counts[fn]=c
    print(fn, sum(c.values()), dict(sorted(c.items())))
print('errors',err); sys.exit(1 if err else 0)
