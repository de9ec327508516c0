"""Metrics on the ecosystem graph and its matrices, one module per topic."""
