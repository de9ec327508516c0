"""HTTP API over the ecosystem library (FastAPI); built in a later issue."""
