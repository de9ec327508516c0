"""Who partners next: link prediction on any dated relationship kind, and time-split
back-tests that never let information from after the cut-off in."""

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ecosystem.prediction.backtest import (
        Backtest,
        MethodScore,
        backtest,
    )
    from ecosystem.prediction.features import (
        BASELINES,
        FEATURES,
        pair_features,
    )
    from ecosystem.prediction.history import (
        History,
        parse_horizon,
    )
    from ecosystem.prediction.model import (
        Prediction,
        predict_links,
        predicted_partners,
        train,
        with_predictions,
    )
else:  # imported on first use, so that importing the package costs nothing
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
        "backtest": ["Backtest", "MethodScore", "backtest"],
        "features": ["BASELINES", "FEATURES", "pair_features"],
        "history": ["History", "parse_horizon"],
        "model": ["Prediction", "predict_links", "predicted_partners", "train", "with_predictions"],
    })

__all__ = [
    "BASELINES",
    "FEATURES",
    "Backtest",
    "History",
    "MethodScore",
    "Prediction",
    "backtest",
    "pair_features",
    "parse_horizon",
    "predict_links",
    "predicted_partners",
    "train",
    "with_predictions",
]
