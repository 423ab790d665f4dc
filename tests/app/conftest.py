"""AppTest helpers for the Build page, and the data folder every AppTest of studio.py uses.

The page's sections are keyed fragments: after an interaction AppTest holds only the parts
that reran (that is what the browser redraws too). ``full`` reruns the whole page, as a
page load would, so every widget can be found again.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.json_view import COPY_COMPONENT, VIEW_CLASS
from profile_block.model.block import GetProfileBlock

ROOT = Path(__file__).resolve().parents[2]
BUILD_PAGE = ROOT / "app_pages" / "build.py"
APP = ROOT / "studio.py"
TIMEOUT = 30  # seconds; generous because other test suites share the two cores
DATA_DIR = "STUDIO_DATA_DIR"


@pytest.fixture(scope="session", autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The local service starts once per process (local_sandbox) with its data in
    STUDIO_DATA_DIR, by default the repository's own .data folder: a developer's data. Every AppTest
    of studio.py in this session uses a temporary folder instead, set before the first one runs."""
    folder = tmp_path_factory.mktemp("studio-data")
    previous = os.environ.get(DATA_DIR)
    os.environ[DATA_DIR] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(DATA_DIR, None)
    else:
        os.environ[DATA_DIR] = previous


@pytest.fixture
def build() -> AppTest:
    """The Build page after its first run."""
    at = AppTest.from_file(str(BUILD_PAGE), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def show(at: AppTest, tab: str) -> AppTest:
    """Open a tab of the builder ("Request", "Response fields", "Identifier & branches")."""
    at.session_state["build_tab"] = tab
    return full(at)


def open_groups(at: AppTest) -> AppTest:
    """Show the Response fields section with every field group open (closed ones draw nothing)."""
    from profile_block.model.fields import GROUPS
    at.session_state["build_tab"] = "Response fields"
    for group in GROUPS:
        at.session_state[f"build_group_open.{group}"] = True
    return full(at)


def full(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def until_started(at: AppTest, timeout_s: float = 60) -> AppTest:
    """Run studio.py until its sidebar no longer says the local service is starting. The first run
    of a process begins the start on a background thread and draws the page; in the browser a
    timer of the sidebar runs the app again once the service is up (components.connection);
    AppTest runs no timers, so this reruns instead."""
    from components.connection import CONNECTION

    full(at)
    deadline = time.monotonic() + timeout_s
    while CONNECTION in at.session_state and at.session_state[CONNECTION].starting:
        assert time.monotonic() < deadline, "the local service did not start"
        time.sleep(0.05)
        full(at)
    return at


def model(at: AppTest) -> GetProfileBlock:
    return at.session_state["block"]


def json_views(at: AppTest) -> list[str]:
    """The texts the page shows as JSON code (components.json_view), in page order: the code's
    text as the browser shows it (tags off, entities read); each must be what its Copy button copies."""
    shown = [html.unescape(re.sub(r"<[^>]*>", "", body.split("<code>", 1)[1].rsplit("</code>", 1)[0]))
             for body in (h.proto.body for h in at.get("html")) if f'class="{VIEW_CLASS}"' in body]
    copied = [json.loads(c.proto.json)["text"] for c in at.get("bidi_component")
              if c.proto.component_name == COPY_COMPONENT]
    assert shown == copied, "a JSON view's Copy button copies other text than it shows"
    return shown


def preview(at: AppTest) -> dict[str, Any]:
    """The action the JSON preview shows, parsed."""
    texts = json_views(at)
    assert len(texts) == 1, "exactly one JSON preview"
    return json.loads(texts[0])


def downloads(at: AppTest) -> dict[str, Any]:
    """The download buttons by label -> their protos (disabled, help ...)."""
    return {d.proto.label: d.proto for d in at.get("download_button")}


def files_given(at: AppTest) -> dict[str, bytes]:
    """What each download button gives when clicked now (components.build_preview.download_bytes,
    the function the buttons call): DownloadRefused while the block has errors."""
    from components.build_preview import block_text, download_bytes, flow_text
    from components.build_state import BLOCK, EDITING

    block = at.session_state[BLOCK]
    editing = at.session_state[EDITING] if EDITING in at.session_state else None
    return {"Download block JSON": download_bytes(block_text, block, editing),
            "Download flow JSON": download_bytes(flow_text, block, editing)}


def shown(markdown: str) -> str:
    """What a reader sees of a Markdown text the page escaped (components.text.literal): AppTest
    holds the Markdown source, the browser shows it without the backslashes."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest, kind: str) -> list[str]:
    """The texts of every element of ``kind`` ("markdown", "caption", "error" ...), as shown."""
    return [shown(e.value) for e in getattr(at, kind)]


def shown_table(frame: Any) -> Any:
    """An ``st.table``'s data as shown (its cells and headers read Markdown)."""
    frame = frame.rename(columns=lambda c: shown(c) if isinstance(c, str) else c)
    return frame.map(lambda v: shown(v) if isinstance(v, str) else v)


def field_groups(at: AppTest) -> list[Any]:
    """The pills of the open field groups (one ``st.pills`` per group)."""
    return [p for p in at.pills if p.label.endswith(" fields")]


def field_names(at: AppTest) -> list[str]:
    """Every response field the checklist shows, in order."""
    return [name for group in field_groups(at) for name in group.options]


def ticked_names(at: AppTest) -> list[str]:
    """The fields the checklist shows picked, in checklist order."""
    return [name for group in field_groups(at) for name in group.options if name in (group.value or [])]


class FieldPill:
    """One field's pill in its group's ``st.pills``, used like a checkbox."""

    def __init__(self, group: Any, name: str) -> None:
        self.group, self.name = group, name

    @property
    def value(self) -> bool:
        return self.name in (self.group.value or [])

    def check(self) -> Any:
        return self.group.select(self.name)

    def uncheck(self) -> Any:
        return self.group.unselect(self.name)


def field_box(at: AppTest, name: str) -> FieldPill:
    matches = [g for g in field_groups(at) if name in g.options]
    assert len(matches) == 1, f"one field group shows {name}"
    return FieldPill(matches[0], name)


def button(at: AppTest, label: str, nth: int = 0):
    matches = [b for b in at.button if shown(b.label) == label]
    assert matches, f"no button labelled {label!r}; have {[b.label for b in at.button]}"
    return matches[nth]


def widget(at: AppTest, kind: str, label: str, nth: int = 0):
    matches = [w for w in getattr(at, kind) if shown(w.label) == label]
    assert matches, f"no {kind} labelled {label!r}; have {[w.label for w in getattr(at, kind)]}"
    return matches[nth]
