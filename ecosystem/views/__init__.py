"""Interactive network views, each written as one self-contained, safe HTML page::

    from ecosystem.views import ecosystem_map
    ecosystem_map(store, as_of=datetime.date(2024, 6, 30)).save("map.html")

Every view is a :class:`View`: ``save("x.html" | "x.png" | "x.svg")``, ``html()``, and
inline display in notebooks.
"""

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ecosystem.views.common import (
        MAP_KINDS,
    )
    from ecosystem.views.focus import (
        focus_view,
    )
    from ecosystem.views.layout import (
        force_layout,
    )
    from ecosystem.views.map import (
        ecosystem_map,
    )
    from ecosystem.views.partners import (
        opportunities_view,
        partner_radar,
    )
    from ecosystem.views.programme import (
        programme_view,
    )
    from ecosystem.views.view import (
        LegendEntry,
        View,
        ViewEdge,
        ViewNode,
    )
else:  # imported on first use, so that importing the package costs nothing
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
        "common": ["MAP_KINDS"],
        "focus": ["focus_view"],
        "layout": ["force_layout"],
        "map": ["ecosystem_map"],
        "partners": ["opportunities_view", "partner_radar"],
        "programme": ["programme_view"],
        "view": ["LegendEntry", "View", "ViewEdge", "ViewNode"],
    })

__all__ = [
    "MAP_KINDS",
    "LegendEntry",
    "View",
    "ViewEdge",
    "ViewNode",
    "ecosystem_map",
    "focus_view",
    "force_layout",
    "opportunities_view",
    "partner_radar",
    "programme_view",
]
