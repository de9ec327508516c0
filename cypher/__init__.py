"""Cypher queries of the Neo4j store, one per file (installed as ``ecosystem.cypher``).

Each file starts with comment lines naming its purpose, its ``$parameters`` and the columns
it returns. ``ecosystem.stores.cypher`` loads them and checks the parameters at call time.
"""
