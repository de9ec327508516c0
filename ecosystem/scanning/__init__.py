"""Partner scanning (docs/method.md, stage 1): needs maps, overlap metrics, candidates and fit."""
