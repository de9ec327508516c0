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
# # Influence in the Linux Foundation ecosystem (method, stages 1 and 4)
#
# Who is central, who brokers between communities, and did joining a programme raise a
# company's influence? The influence graph joins companies and programmes, weighted by tie
# strength (membership tier, relationship kind); every view can be taken as of a date.

# %%
import datetime as dt
import pathlib
import tempfile

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd

from ecosystem import NodeKind, open_store
from ecosystem.demo import build_demo
from ecosystem.metrics.communities import bridges, communities, community_names, summarise
from ecosystem.metrics.influence import influence_graph
from ecosystem.metrics.report import (
    influence_table,
    influence_timeseries,
    parse_change,
    what_if,
)

DAY = dt.date(2024, 6, 30)
store = open_store(pathlib.Path(tempfile.mkdtemp()) / "demo.db")
build_demo(store)

# %% [markdown]
# ## Who is central today

# %%
influence_table(store, as_of=DAY,
                metrics=["pagerank", "strength", "constraint", "effective_size"]
                ).head(10).round(4)

# %% [markdown]
# ## How CNCF membership shifted influence, 2019-2024
#
# PageRank of the CNCF programme node and of the companies most central in 2024, each year
# on 30 June.

# %%
years = [dt.date(year, 6, 30) for year in range(2019, 2025)]
top = list(influence_table(store, as_of=DAY, metrics=["pagerank"]).index[:6])
series = influence_timeseries(store, years, nodes=[*top, "programme:cncf"])
series.index = [day.year for day in series.index]
ax = series.plot(figsize=(9, 4), marker="o", title="PageRank, 30 June each year")
ax.legend(fontsize=7, ncol=2)
plt.show()
series.round(5)

# %% [markdown]
# ## What if BMW joined the CNCF as a Platinum member?
#
# BMW belongs to the Linux Foundation and the TODO Group. The what-if adds the tie (weight
# 3, the Platinum tier) and recomputes BMW's position.

# %%
result = what_if(store, "bmw", add=[parse_change("member_of:cncf:3")], as_of=DAY)
pd.DataFrame({"before": result.before, "after": result.after,
              "change": result.delta}).round(5)

# %% [markdown]
# ## Communities and the bridges between them
#
# Louvain communities (fixed seed), what dominates each, and the pairs with far fewer ties
# than their size predicts: the structural side of the cross-industry opportunity radar.

# %%
graph = influence_graph(store, as_of=DAY)
labels = communities(graph)
found = summarise(store, graph, labels, as_of=DAY)
named = community_names(store, graph, labels)  # one name per community, as in the views
pd.DataFrame([{"community": c.name, "size": c.size,
               "programmes": ", ".join(c.programmes),
               "capabilities": ", ".join(n for n, _ in c.capabilities)} for c in found[:8]])

# %%
pd.DataFrame([{"between": f"{named[b.a]} and {named[b.b]}", "ties": b.ties,
               "expected": round(b.expected, 1), "could bridge": ", ".join(b.brokers)}
              for b in bridges(graph, labels)[:8]])

# %%
keys = list(influence_table(store, as_of=DAY, metrics=["pagerank"],
                            kinds=[NodeKind.COMPANY, NodeKind.PROGRAMME]).index[:70])
G = graph.to_networkx().subgraph(keys)
pos = nx.spring_layout(G, seed=3, weight="weight")
colour = [labels[graph.position[k]] for k in G]
plt.figure(figsize=(10, 8))
nx.draw_networkx(G, pos, node_color=colour, cmap="tab10", node_size=90,
                 font_size=6, width=0.3, labels={k: k.split(":", 1)[1][:14] for k in G})
plt.axis("off")
plt.title("The 70 most central nodes, coloured by community")
plt.show()

# %%
store.close()
