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
# # Who joins which programme next? Back-tests on the LF memberships
#
# Link prediction ranks the ties most likely to form next. Here the relation is programme
# membership (`member_of`, company -> programme). For each cut-off *T* the predictors know
# only what was there before *T* and are scored on the memberships that formed in the year
# after it. Six topological baselines (common neighbours, Jaccard, Adamic-Adar, resource
# allocation, preferential attachment, Katz; for this bipartite relation along paths of
# length three) are compared with a learned model (a regularised logistic regression on
# those scores plus capability, patent, influence, industry, activity and programme-affinity
# features, and two that ask whether a surge reaches a company: which programmes its own
# programmes' members joined in the last year, and which ones organisations of its type
# joined in the last two), trained on eight one-year windows a quarter apart, all ending by
# *T*.
#
# Pairs without a tie in the test year are *unlabelled*, not certain negatives: AUC and
# average precision count them as negatives (lower bounds); MAP, Hits@k and recall are
# computed per company over the programmes it could still join.
#
# Every ranking is judged three ways: **per source** (MAP over companies: "which programmes
# will this company join?"), **per target** (MAP over programmes: "who joins this programme
# next?", the orchestrator's question) and **pooled** (average precision over all candidate
# pairs: one list for the whole ecosystem). In each view the model is compared with the
# baseline that ranked the *latest training window* best, so the comparison is chosen
# before the test year is looked at.

# %%
import datetime as dt
import pathlib
import tempfile

import matplotlib.pyplot as plt
import pandas as pd

from ecosystem import open_store
from ecosystem.demo import build_demo
from ecosystem.prediction import backtest, predict_links

store = open_store(pathlib.Path(tempfile.mkdtemp()) / "demo.db")
build_demo(store)
cutoffs = [dt.date(year, 1, 1) for year in range(2020, 2026)]
runs = [backtest(store, "member_of", cutoff=c, horizon="1y", k=5) for c in cutoffs]
pd.DataFrame([{"cutoff": b.cutoff, "candidate pairs": b.candidates,
               "test ties": b.test_ties, "formed in the year": b.formed_in_window,
               "by new companies (cold start)": b.new_node_ties,
               "training ties": b.training_positives} for b in runs])

# %% [markdown]
# ## MAP by method and cut-off

# %%
table = pd.DataFrame({b.cutoff.year: {r.method: r.map for r in b.results} for b in runs})
ax = table.T.plot(figsize=(9, 4.5), marker="o",
                  title="MAP of each predictor, memberships formed in the year after each "
                  "cut-off")
ax.set_xlabel("cut-off (1 January)")
ax.set_ylabel("MAP")
plt.show()
table.round(3)

# %% [markdown]
# ## Does the learned model beat the baseline, in all three views?
#
# The target is a 10% relative gain over the baseline chosen on the training period, in
# each view. Every cut-off tried is shown, including those where it does not. The test ties
# are few, so each gain has a 95% bootstrap interval (over companies, programmes, or
# companies' pairs for the pooled view; the whiskers): a gain whose interval holds zero is
# not told apart from noise.

# %%
views = {"source": "per company (MAP)", "target": "per programme (MAP)",
         "pooled": "all pairs (AP)"}
gains = pd.DataFrame([{"cutoff": b.cutoff.year, "view": views[v], "baseline": b.chosen[v],
                       "gain": b.gains[v][0], "low": b.gains[v][1], "high": b.gains[v][2]}
                      for b in runs for v in views])
fig, axes = plt.subplots(1, 3, figsize=(13, 3.5), sharey=True)
for ax, label in zip(axes, views.values(), strict=True):
    part = gains[gains["view"] == label].set_index("cutoff")
    part["gain"].plot.bar(ax=ax, yerr=[part["gain"] - part["low"], part["high"] - part["gain"]],
                          capsize=3, color=["tab:green" if g >= 0.1 else "tab:red"
                                            for g in part["gain"]], title=label)
    ax.axhline(0.1, color="grey", linestyle="--")
    ax.set_ylabel("relative gain over the chosen baseline")
plt.tight_layout()
plt.show()
gains.pivot(index="cutoff", columns="view", values="gain").round(3)

# %% [markdown]
# Every predictor's own score comes with an interval too (the same resamples for all of
# them). For the latest cut-off, each view's scores with their 95% intervals: where the
# model's bar overlaps a baseline's, the test year does not tell them apart.

# %%
latest = runs[-1]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.5))
for ax, (view, label) in zip(axes, views.items(), strict=True):
    names = [r.method for r in latest.results]
    values = [r.view(view) for r in latest.results]
    low = [v - r.intervals[view][0] for v, r in zip(values, latest.results, strict=True)]
    high = [r.intervals[view][1] - v for v, r in zip(values, latest.results, strict=True)]
    ax.errorbar(values, range(len(names)), xerr=[low, high], fmt="o", capsize=3)
    ax.set_yticks(range(len(names)), names)
    ax.set_title(f"{label}, cut-off {latest.cutoff}")
plt.tight_layout()
plt.show()
pd.DataFrame({views[v]: {r.method: f"{r.view(v):.3f} ({r.intervals[v][0]:.3f} to "
                         f"{r.intervals[v][1]:.3f})" for r in latest.results} for v in views})

# %% [markdown]
# ## Are the scores probabilities?
#
# The model's score of a pair is meant as the probability that the tie forms within the
# horizon: an isotonic regression fitted on the latest training window (scored by a model
# that had not seen it) maps the raw scores to probabilities, and those are moved to the
# base rate expected now (the recent mean number of new ties over today's candidate pairs;
# the share of pairs that form a tie falls as companies join). The reliability curve puts the
# test pairs in ten groups by predicted probability and compares each group's mean
# prediction with the share that formed a tie; the Brier score and the expected calibration
# error sum it up (against the base rate, the share of pairs that formed a tie).

# %%
calibration = pd.DataFrame([{"cutoff": b.cutoff.year, "Brier": b.calibration["brier"],
                             "calibration error": b.calibration["ece"],
                             "base rate": b.calibration["base_rate"],
                             "mean predicted": sum(c["predicted"] * c["pairs"]
                                                   for c in b.calibration["curve"])
                             / b.candidates} for b in runs])
last = runs[-1].calibration["curve"]
plt.figure(figsize=(4.5, 4.5))
top = max(max(c["predicted"], c["observed"]) for c in last) * 1.1
plt.plot([0, top], [0, top], color="grey", linestyle="--", label="perfect")
plt.plot([c["predicted"] for c in last], [c["observed"] for c in last], marker="o",
         label=f"cut-off {runs[-1].cutoff}")
plt.xlabel("predicted probability (group mean)")
plt.ylabel("share that formed a tie")
plt.title("Reliability of the model's probabilities")
plt.legend()
plt.show()
calibration.set_index("cutoff").round(5)

# %% [markdown]
# ## New companies (cold start)
#
# Most memberships in a year are formed by companies with no membership before it, which
# no graph score can rank. They are scored from their sectors and their other ties
# (partners, suppliers, owners already in a programme) and compared with popularity:

# %%
pd.DataFrame([{"cutoff": b.cutoff.year, **b.cold_start} for b in runs]).set_index(
    "cutoff").round(3)

# %% [markdown]
# ## Predictions today
#
# The programmes IBM is most likely to join in the next year, with the evidence behind
# each:

# %%
pd.DataFrame([{"programme": p.target, "probability": round(p.score, 3), "why": p.explain()}
              for p in predict_links(store, "member_of", as_of=dt.date(2026, 1, 1),
                                     company="ibm", top=5)])

# %% [markdown]
# And the orchestrator's question, who joins CNCF next:

# %%
pd.DataFrame([{"company": p.source, "probability": round(p.score, 3), "why": p.explain()}
              for p in predict_links(store, "member_of", as_of=dt.date(2026, 1, 1),
                                     target="programme:cncf", top=8)])

# %%
store.close()
