"""``python -m ecosystem.cli``."""

from ecosystem.cli import main

main()
