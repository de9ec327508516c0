"""Open a view's page in Chromium and record everything it tries to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a closed network (see the machine notes): no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


@dataclass
class Opened:
    """A page opened from a file, with what happened while it loaded."""

    page: Any
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        """Requests for anything outside the file itself."""
        return [u for u in self.requests if not u.startswith(("file://", "data:", "blob:"))]

    def node_ids(self) -> list[str]:
        return list(self.page.evaluate("ecosystemView.nodes.getIds()"))

    def visible_edges(self) -> int:
        return int(self.page.evaluate(
            "ecosystemView.edges.get({filter: e => !e.hidden}).length"))

    def hover(self, node_id: str) -> str:
        """Move the mouse onto a node and return its tooltip's text."""
        x, y = self.page.evaluate("""id => {
            const net = ecosystemView.network;
            net.moveTo({position: net.getPositions([id])[id], scale: 1.0});
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('network').getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""", node_id)
        self.page.mouse.move(x + 1, y + 1)
        tip = self.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=10_000)
        return str(tip.inner_text())


def open_page(browser: Any, path: Path, *, timeout_ms: int = 60_000) -> Opened:
    """Open ``path`` and wait until the network is drawn."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    opened = Opened(page)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=timeout_ms)
    return opened


def overlaps(boxes: list[dict[str, float]]) -> list[tuple[str, str, float]]:
    """Pairs of drawn names whose boxes overlap by more than two pixels either way."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > 2 and dy > 2:
                found.append((a["id"], b["id"], dx * dy))
    return found
