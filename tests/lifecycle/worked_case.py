"""The METHOD.md worked case, as the tests replay it (the library's replay)."""

from ecosystem.demo import WORKED_CASE_PARTNERSHIP as PID
from ecosystem.demo import replay_worked_case as replay

__all__ = ["PID", "replay"]
