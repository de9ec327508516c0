# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A tour of the demo ecosystem
#
# The demo is real data: 27 Linux Foundation ecosystem programmes (CNCF, LF AI & Data,
# OpenSSF, RISC-V ...), the organisations that joined and left them month by month, and the
# capability landscape of their products. In a source checkout it also holds the 1976-2005
# US patent portfolios of 52 members, matched by name.
#
# This notebook builds the demo store, counts what it holds, follows membership over time,
# and draws part of the graph. Every date is a `datetime.date`.

# %%
import datetime as dt
import pathlib
import tempfile

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd

from ecosystem import NodeKind, RelKind, open_store
from ecosystem.demo import build_demo, summarise

store = open_store(pathlib.Path(tempfile.mkdtemp()) / "demo.db")
build_demo(store)
pd.DataFrame(store.counts()).fillna(0).astype(int)

# %% [markdown]
# ## The largest programmes and the best-connected companies today

# %%
summary = summarise(store, as_of=dt.date.today(), top=8)
pd.DataFrame(summary["largest_programmes"])

# %%
pd.DataFrame(summary["companies_in_most_programmes"])

# %% [markdown]
# ## Membership over time
#
# Every relationship is dated, so any view can be taken *as of* a date. Active members of
# the five largest programmes, mid-year:

# %%
top = [p["id"] for p in summary["largest_programmes"][:5]]
rows = [{"year": year, "programme": r.target}
        for year in range(2016, 2027)
        for r in store.relationships(RelKind.MEMBER_OF, as_of=dt.date(year, 6, 30))
        if r.target in top]
growth = pd.DataFrame(rows).value_counts().unstack("programme").fillna(0)
growth.plot(figsize=(8, 4), marker="o", title="Active members, 30 June each year")
plt.ylabel("members")
plt.show()
growth.tail(3)

# %% [markdown]
# ## The graph
#
# `store.graph()` is a networkx `MultiDiGraph` keyed `kind:id`. Here: the CNCF's Platinum
# members and every programme they belong to.

# %%
G = store.graph(as_of=dt.date(2024, 6, 30))
platinum = [u for u, v, d in G.in_edges("programme:cncf", data=True)
            if d["kind"] == "member_of" and d.get("tier") == "Platinum"]
programmes = {v for u in platinum for _, v, d in G.out_edges(u, data=True)
              if d["kind"] == "member_of"}
H = nx.Graph(G.subgraph(platinum + sorted(programmes)))
pos = nx.spring_layout(H, seed=7)
colours = ["tab:orange" if n.startswith("programme:") else "tab:blue" for n in H]
plt.figure(figsize=(10, 7))
nx.draw_networkx(H, pos, node_color=colours, node_size=120, font_size=7,
                 labels={n: G.nodes[n].get("name", n)[:18] for n in H})
plt.axis("off")
plt.title("CNCF Platinum members (blue) and their programmes (orange)")
plt.show()
len(platinum), len(programmes)

# %% [markdown]
# ## One company
#
# IBM's memberships and capabilities, as stored:

# %%
ibm = store.relationships(node=(NodeKind.COMPANY, "ibm"), as_of=dt.date(2024, 6, 30))
pd.DataFrame([{"kind": r.kind.value, "with": r.target, "since": r.since,
               **{k: v for k, v in r.properties.items() if k != "evidence"}}
              for r in ibm if r.kind is not RelKind.HOLDS_PATENTS_IN]).head(15)

# %% [markdown]
# ## Sparse matrices for analytics
#
# `store.matrix(kind)` gives the company x class (or x capability) weight matrix that the
# overlap and proximity metrics run on.

# %%
patents = store.matrix(RelKind.HOLDS_PATENTS_IN)
caps = store.matrix(RelKind.HAS_CAPABILITY, as_of=dt.date(2024, 6, 30))
print(patents.matrix.shape, patents.matrix.nnz, caps.matrix.shape, caps.matrix.nnz)
sizes = pd.Series(patents.matrix.sum(axis=1), index=patents.rows)
sizes[sizes > 0].sort_values().tail(12).plot.barh(
    figsize=(7, 4), title="US patents granted 1976-2005 (matched LF members)")
plt.show()

# %% [markdown]
# ## The interactive map
#
# The 250 most influential companies and programmes, coloured by community and sized by
# PageRank. In Jupyter the view is interactive (hover for details, search by name, untick
# legend entries to filter); where the notebook is only read, its picture shows.
# `.save("map.html")` writes the same page as one self-contained file to share, and
# `.save("map.png")` a picture for slides.

# %%
from ecosystem.views import ecosystem_map

ecosystem_map(store, as_of=dt.date(2024, 6, 30), top=250)

# %%
store.close()
