"""Write the notebooks in notebooks/ from the cells below (stored without outputs).

Run `python scripts/make_notebooks.py` after editing; tests execute every notebook.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

TOUR = [
    new_markdown_cell(
        "# A tour of the demo ecosystem\n\n"
        "The demo is real data: 27 Linux Foundation ecosystem programmes (CNCF, LF AI & Data, "
        "OpenSSF, RISC-V ...), the organisations that joined and left them month by month, and "
        "the capability landscape of their products. In a source checkout it also holds the "
        "1976-2005 US patent portfolios of 52 members, matched by name.\n\n"
        "This notebook builds the demo store, counts what it holds, follows membership over "
        "time, and draws part of the graph."
    ),
    new_code_cell(
        "import tempfile, pathlib\n"
        "import pandas as pd\n"
        "import matplotlib.pyplot as plt\n"
        "import networkx as nx\n"
        "from ecosystem import open_store, NodeKind, RelKind\n"
        "from ecosystem.demo import build_demo, summarize\n\n"
        "store = open_store(pathlib.Path(tempfile.mkdtemp()) / 'demo.db')\n"
        "build_demo(store)\n"
        "pd.DataFrame(store.counts()).fillna(0).astype(int)"
    ),
    new_markdown_cell("## The largest programmes and the best-connected companies today"),
    new_code_cell(
        "summary = summarize(store, top=8)\n"
        "display(pd.DataFrame(summary['largest_programmes']))\n"
        "pd.DataFrame(summary['companies_in_most_programmes'])"
    ),
    new_markdown_cell(
        "## Membership over time\n\nEvery relationship is dated, so any view can be taken "
        "*as of* a date. Active members of the five largest programmes, mid-year:"
    ),
    new_code_cell(
        "years = range(2016, 2027)\n"
        "top = [p['id'] for p in summary['largest_programmes'][:5]]\n"
        "rows = [{'year': y, 'programme': r.target}\n"
        "        for y in years\n"
        "        for r in store.relationships(RelKind.MEMBER_OF, as_of=f'{y}-06-30')\n"
        "        if r.target in top]\n"
        "growth = pd.DataFrame(rows).value_counts().unstack('programme').fillna(0)\n"
        "growth.plot(figsize=(8, 4), marker='o', title='Active members, 30 June each year')\n"
        "plt.ylabel('members'); plt.show()\n"
        "growth.tail(3)"
    ),
    new_markdown_cell(
        "## The graph\n\n`store.graph()` is a networkx `MultiDiGraph` keyed `kind:id`. "
        "Here: the CNCF's Platinum members and every programme they belong to."
    ),
    new_code_cell(
        "G = store.graph(as_of='2024-06-30')\n"
        "platinum = [u for u, v, d in G.in_edges('programme:cncf', data=True)\n"
        "            if d['kind'] == 'member_of' and d.get('tier') == 'Platinum']\n"
        "programmes = {v for u in platinum for _, v, d in G.out_edges(u, data=True)\n"
        "              if d['kind'] == 'member_of'}\n"
        "H = nx.Graph(G.subgraph(platinum + sorted(programmes)))\n"
        "pos = nx.spring_layout(H, seed=7)\n"
        "colours = ['tab:orange' if n.startswith('programme:') else 'tab:blue' for n in H]\n"
        "plt.figure(figsize=(10, 7))\n"
        "nx.draw_networkx(H, pos, node_color=colours, node_size=120, font_size=7,\n"
        "                 labels={n: G.nodes[n].get('name', n)[:18] for n in H})\n"
        "plt.axis('off'); plt.title('CNCF Platinum members (blue) and their programmes (orange)')\n"
        "plt.show()\n"
        "len(platinum), len(programmes)"
    ),
    new_markdown_cell(
        "## One company\n\nIBM's memberships and capabilities, as stored:"
    ),
    new_code_cell(
        "ibm = store.relationships(node=(NodeKind.COMPANY, 'ibm'), as_of='2024-06-30')\n"
        "pd.DataFrame([{'kind': r.kind.value, 'with': r.target, 'since': r.since,\n"
        "               **{k: v for k, v in r.properties.items() if k != 'evidence'}}\n"
        "              for r in ibm if r.kind is not RelKind.HOLDS_PATENTS_IN]).head(15)"
    ),
    new_markdown_cell(
        "## Sparse matrices for analytics\n\n`store.matrix(kind)` gives the company x class "
        "(or x capability) weight matrix that the overlap and proximity metrics run on."
    ),
    new_code_cell(
        "patents = store.matrix(RelKind.HOLDS_PATENTS_IN)\n"
        "caps = store.matrix(RelKind.HAS_CAPABILITY, as_of='2024-06-30')\n"
        "print(patents.matrix.shape, patents.matrix.nnz, caps.matrix.shape, caps.matrix.nnz)\n"
        "sizes = pd.Series(patents.matrix.sum(axis=1), index=patents.rows)\n"
        "sizes[sizes > 0].sort_values().tail(12).plot.barh(figsize=(7, 4),\n"
        "    title='US patents granted 1976-2005 (matched LF members)')\n"
        "plt.show()"
    ),
    new_code_cell("store.close()"),
]


def main() -> None:
    folder = ROOT / "notebooks"
    folder.mkdir(exist_ok=True)
    notebook = new_notebook(cells=TOUR)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / "01_ecosystem_tour.ipynb")


if __name__ == "__main__":
    main()
