"""The Lookup page's test contact in the page address (``?contact=<JSON>``), read back with care.

A reload starts a new Streamlit session, and session state does not survive it: the page address
does (as it keeps the block, see ``link``). The text is compact JSON, ``{"contact path": "value"}``
(``{"CustomerEndpoint.Address": "+15555550100"}``), readable in the address bar. ``read_contact_link``
accepts only that, within ``MAX_CONTACT_CHARS``; anything else raises ``LinkError`` saying why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from profile_block.model.link import LinkError
from profile_block.model.surrogates import first_in_json

PARAMETER = "contact"
# A test contact is a few values; longer text is neither written nor read (an address stays short).
MAX_CONTACT_CHARS = 2000
MAX_CONTACT_VALUES = 20


def contact_link(contact: Mapping[str, str]) -> str:
    """The link text of a test contact (contact path -> value): "" when it is empty or too long."""
    if not contact or len(contact) > MAX_CONTACT_VALUES:
        return ""
    text = json.dumps(dict(contact), separators=(",", ":"), ensure_ascii=False)
    return text if len(text) <= MAX_CONTACT_CHARS else ""


def read_contact_link(text: str) -> dict[str, str]:
    """The test contact a link text holds; LinkError, saying why, for anything else."""
    if len(text) > MAX_CONTACT_CHARS:
        raise LinkError(f"it is longer than {MAX_CONTACT_CHARS:,} characters, more than a test contact.")
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise LinkError("it is not a test contact (not the JSON this page writes).") from None
    if not isinstance(payload, dict) or len(payload) > MAX_CONTACT_VALUES or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in payload.items()):
        raise LinkError("it is not a test contact (an object of contact paths and text values).")
    if first_in_json(payload) is not None:
        raise LinkError("it holds text that is not Unicode (a lone surrogate).")
    return payload
