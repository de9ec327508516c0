"""Routers, one per resource; each handler parses, makes one library call, shapes."""
