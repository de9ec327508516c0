"""The worked case of docs/method.md, as the tests replay it (the library's replay)."""

from ecosystem.demo import WORKED_CASE_PARTNERSHIP as PID
from ecosystem.demo import replay_worked_case as replay

__all__ = ["PID", "replay"]
