"""A custom search key defined the way the demo's ``loyaltyId`` is: a profile object type whose
``Keys`` declare it (SECONDARY identifier) over a field of the same name mapped to
``Attributes.<key>``. Used by CSV loads (``Key.<name>`` columns) and the Data page's "add a key".
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Any

# ObjectTypeName's pattern in the service model: a key name may start with a digit or '-', a
# type name may not.
_TYPE_NAME_START = re.compile(r"^[a-zA-Z_]")


def key_object_type(key: str) -> dict[str, Any]:
    """The PutProfileObjectType definition (without its name) that declares custom key ``key``."""
    return {
        "Description": f"Declares the custom search key {key} (added by the local service).",
        "AllowProfileCreation": False,
        "Fields": {key: {"Source": f"_source.{key}", "Target": f"_profile.Attributes.{key}",
                         "ContentType": "STRING"}},
        "Keys": {key: [{"StandardIdentifiers": ["SECONDARY"], "FieldNames": [key]}]},
    }


def key_object_type_name(key: str, taken: Container[str]) -> str:
    """A name for the object type that declares ``key``: the key's own name when it is free and
    a valid type name, else ``Key-<key>``, ``Key-<key>-2`` ... (an existing type is never replaced)."""
    candidates = [key, f"Key-{key}"] if _TYPE_NAME_START.match(key) else [f"Key-{key}"]
    for name in candidates:
        if name not in taken:
            return name
    n = 2
    while f"Key-{key}-{n}" in taken:
        n += 1
    return f"Key-{key}-{n}"
