#!/usr/bin/env python3
# The runtime's module graph: which top-level module of runtime/src uses which
# (`crate::x` paths outside test modules), and its cycles (strongly connected
# components). Exits 1 while there are cycles. Issue 16 removes them; then
# .ci/run runs this.  Usage: python3 .ci/module-graph.py
import os,re,sys,itertools
import pathlib
root=str(pathlib.Path(__file__).resolve().parent.parent / 'runtime' / 'src')
mods={}
for dirpath,_,files in os.walk(root):
    for f in files:
        if not f.endswith('.rs'): continue
        path=os.path.join(dirpath,f)
        rel=os.path.relpath(path,root)
        top=rel.split(os.sep)[0].replace('.rs','')
        if top in ('lib','sync'): 
            if top=='lib': continue
        src=open(path).read()
        # drop test modules roughly
        src=re.split(r'#\[cfg\(test\)\]\s*mod tests', src)[0]
        deps=set(re.findall(r'crate::(\w+)', src))
        # super:: within submodules resolves to same top module
        mods.setdefault(top,set()).update(d for d in deps if d!=top)
edges={m:sorted(d for d in ds if d in mods) for m,ds in mods.items()}
for m in sorted(edges): print(f"{m:10} -> {', '.join(edges[m])}")
# find cycles (SCCs)
index={};low={};st=[];on=set();sccs=[];i=[0]
def sc(v):
    index[v]=low[v]=i[0];i[0]+=1;st.append(v);on.add(v)
    for w in edges.get(v,[]):
        if w not in index: sc(w);low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],index[w])
    if low[v]==index[v]:
        comp=[]
        while True:
            w=st.pop();on.discard(w);comp.append(w)
            if w==v:break
        sccs.append(comp)
for v in edges:
    if v not in index: sc(v)
cyc=[c for c in sccs if len(c)>1]
print("cycles:", cyc)
sys.exit(1 if cyc else 0)
