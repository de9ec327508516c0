"""Service settings, from arguments or ``ECOSYSTEM_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ecosystem.errors import InvalidValue
from ecosystem.stores.base import DEFAULT_STORE, STORE_ENV

__all__ = ["Settings"]

#: A key that only development settings may use; production refuses it.
DEVELOPMENT_KEY = "dev-key-not-secret"


@dataclass(frozen=True)
class Settings:
    """How the API runs.

    ``api_keys`` guard every write (and every read with ``keys_for_reads``); keys are
    compared in constant time and never logged. ``production`` refuses to start without a
    key, or with the development key. CORS is off unless ``cors_origins`` names origins.
    """

    store: str = DEFAULT_STORE
    api_keys: tuple[str, ...] = ()
    keys_for_reads: bool = False
    production: bool = True
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 10 * 2**20
    max_upload_bytes: int = 50 * 2**20
    max_top: int = 100
    max_page: int = 500
    max_view_nodes: int = 5000
    header: str = "X-API-Key"
    #: Deliver new alerts every this many minutes (`alerts --notify`); 0: never.
    notify_minutes: int = 0

    def __post_init__(self) -> None:
        if self.production and not self.api_keys:
            raise InvalidValue(
                "No API key configured: set ECOSYSTEM_API_KEYS (comma-separated, 12+ "
                "characters each) or, for local use only, start with `ecosystem serve "
                "--development` (or ECOSYSTEM_API_DEVELOPMENT=1).",
                field="api_keys", value=None)
        if self.production and DEVELOPMENT_KEY in self.api_keys:
            raise InvalidValue("The development API key may not be used in production; "
                               "configure a secret key.", field="api_keys", value="(hidden)")
        if not 0 <= self.notify_minutes <= 7 * 24 * 60:
            raise InvalidValue(f"notify_minutes is {self.notify_minutes}; give 0 (never) to "
                               "10080 (a week).", field="notify_minutes",
                               value=self.notify_minutes)
        if any(len(k) < 12 for k in self.api_keys):
            raise InvalidValue("API keys must have at least 12 characters.",
                               field="api_keys", value="(hidden)")

    @classmethod
    def development(cls, store: str = DEFAULT_STORE) -> Settings:
        """Local use: the well-known development key, never for production."""
        return cls(store=store, api_keys=(DEVELOPMENT_KEY,), production=False)

    @classmethod
    def from_environment(cls) -> Settings:
        """Read ``ECOSYSTEM_STORE``, ``ECOSYSTEM_API_KEYS``, ``ECOSYSTEM_API_KEYS_FOR_READS``,
        ``ECOSYSTEM_API_DEVELOPMENT`` and ``ECOSYSTEM_API_CORS_ORIGINS``."""
        env = os.environ
        store = env.get(STORE_ENV, DEFAULT_STORE)
        if env.get("ECOSYSTEM_API_DEVELOPMENT") == "1" and not env.get("ECOSYSTEM_API_KEYS"):
            return cls.development(store)
        keys = tuple(k.strip() for k in env.get("ECOSYSTEM_API_KEYS", "").split(",")
                     if k.strip())
        every = env.get("ECOSYSTEM_NOTIFY_EVERY", "0").strip() or "0"
        if not every.isdigit():
            raise InvalidValue(f"ECOSYSTEM_NOTIFY_EVERY is {every!r}; give whole minutes.",
                               field="ECOSYSTEM_NOTIFY_EVERY", value=every)
        return cls(
            store=store, api_keys=keys,
            keys_for_reads=env.get("ECOSYSTEM_API_KEYS_FOR_READS") == "1",
            production=env.get("ECOSYSTEM_API_DEVELOPMENT") != "1",
            cors_origins=tuple(o.strip() for o in env.get("ECOSYSTEM_API_CORS_ORIGINS",
                                                          "").split(",") if o.strip()),
            notify_minutes=int(every),
        )
