"""A JSON text shown as code: highlighted, unwrapped, scrolling past a height, with a Copy button.

Used instead of ``st.code`` for the Build page's block preview and the Lookup page's request and
response. ``st.code`` loads Streamlit's syntax highlighter (Prism with every language), which costs the
browser about 230 ms of CPU the first time a page shows code, even for two lines: on the Build page
the largest single part of a cold start's gap (benchmarks/cold_start.py).

Here Python splits the text into tokens (``json_tokens``) and writes them as escaped ``<span>``s
(``json_html``), which ``st.html`` draws with the rest of the page (and sanitizes once more: no script
runs from it). The Copy button is a tiny ``st.components.v2`` component: the exact text reaches it as
data and goes to the clipboard; where the clipboard API is not available (a page served over plain
HTTP under a name other than localhost) it copies through a hidden text box, or asks for Ctrl+C. Its
script is fetched when it is first drawn, a moment after the code it copies.
"""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

# Token kinds, as CSS classes: a property name, a string value, a number, true/false/null,
# punctuation. Anything else (white space, or text that is not JSON) is plain.
KEY, STRING, NUMBER, LITERAL, PUNCT, PLAIN = "k", "s", "n", "l", "p", ""
_TOKEN = re.compile(r"""
    (?P<string>"(?:[^"\\\n]|\\.)*")(?P<colon>\s*:)?
  | (?P<number>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<literal>\b(?:true|false|null)\b)
  | (?P<punct>[{}\[\],:])
""", re.VERBOSE)
VIEW_CLASS = "studio-json"      # the view's outer element (tests find the code by it)
_STYLE = f"""<style>
.{VIEW_CLASS} pre {{ margin: 0; padding: 1rem; overflow: auto; white-space: pre; background: #f8f9fb;
  border-radius: 0.5rem; font-family: "Source Code Pro", monospace; font-size: 0.875rem; line-height: 1.6;
  color: #31333f; }}
.{VIEW_CLASS} .k {{ color: #0550ae; }} .{VIEW_CLASS} .s {{ color: #0a7a3b; }}
.{VIEW_CLASS} .n {{ color: #b35900; }} .{VIEW_CLASS} .l {{ color: #8250df; }}
.{VIEW_CLASS} .p {{ color: #6e7781; }}
</style>"""

COPY_COMPONENT = "studio_copy_text"
_COPY_HTML = '<button type="button" class="copy">Copy</button>'
_COPY_CSS = """
.copy { font-family: var(--st-font, sans-serif); font-size: 0.8rem; padding: 0.15rem 0.7rem; cursor: pointer;
        color: var(--st-text-color, #31333f); background: var(--st-background-color, #fff);
        border: 1px solid var(--st-border-color, #d5dae5); border-radius: var(--st-base-radius, 0.5rem); }
.copy:hover, .copy:focus-visible { border-color: var(--st-primary-color, #ff4b4b);
                                   color: var(--st-primary-color, #ff4b4b); }
"""
_COPY_JS = """
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector("button.copy");
  button.textContent = data.label;
  button.setAttribute("aria-label", data.label);
  const say = (words) => {
    button.textContent = words;
    clearTimeout(button._reset);
    button._reset = setTimeout(() => { button.textContent = data.label; }, 1500);
  };
  const copyByTextBox = () => {
    const box = document.createElement("textarea");
    box.value = data.text;
    box.setAttribute("readonly", "");
    box.style.position = "fixed";
    box.style.opacity = "0";
    parentElement.appendChild(box);
    box.select();
    let copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    box.remove();
    return copied;
  };
  button.onclick = async () => {
    try {
      await navigator.clipboard.writeText(data.text);
      say("Copied");
    } catch (e) {
      say(copyByTextBox() ? "Copied" : "Not copied: select the text and press Ctrl+C");
    }
  };
}
"""
_copy_button = st.components.v2.component(COPY_COMPONENT, html=_COPY_HTML, css=_COPY_CSS, js=_COPY_JS)


def json_tokens(text: str) -> list[list[str]]:
    """``text`` as [kind, piece] pairs whose pieces, joined, are exactly ``text``; neighbours of the
    same kind are merged."""
    tokens: list[list[str]] = []

    def add(kind: str, piece: str) -> None:
        if not piece:
            return
        if tokens and tokens[-1][0] == kind:
            tokens[-1][1] += piece
        else:
            tokens.append([kind, piece])

    at = 0
    for match in _TOKEN.finditer(text):
        add(PLAIN, text[at:match.start()])
        if match["string"] is not None:
            if match["colon"] is not None:
                add(KEY, match["string"])
                add(PLAIN, match["colon"][:-1])
                add(PUNCT, ":")
            else:
                add(STRING, match["string"])
        elif match["number"] is not None:
            add(NUMBER, match[0])
        elif match["literal"] is not None:
            add(LITERAL, match[0])
        else:
            add(PUNCT, match[0])
        at = match.end()
    add(PLAIN, text[at:])
    return tokens


def json_html(text: str, *, label: str, max_height: int | None = None) -> str:
    """The view's HTML: every piece of ``text`` escaped (a value such as ``<img onerror=...>`` stays
    text), coloured by its kind; past ``max_height`` pixels it scrolls inside its box."""
    spans = "".join(html.escape(piece, quote=False) if not kind
                    else f'<span class="{kind}">{html.escape(piece, quote=False)}</span>'
                    for kind, piece in json_tokens(text))
    height = f' style="max-height: {int(max_height)}px"' if max_height else ""
    return (f'{_STYLE}<div class="{VIEW_CLASS}"><pre tabindex="0" aria-label="{html.escape(label)}"{height}>'
            f"<code>{spans}</code></pre></div>")


def json_view(text: str, *, label: str, copy_label: str, max_height: int | None = None) -> Any:
    """Show ``text`` (JSON) as code under a button that copies it. ``label`` names the code for
    screen readers ("the block JSON"); ``copy_label`` is the button's words ("Copy block JSON")."""
    _copy_button(data={"text": text, "label": copy_label}, height="content", width="content")
    return st.html(json_html(text, label=label, max_height=max_height))
