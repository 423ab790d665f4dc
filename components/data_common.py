"""What the Data page's sections share: the local service they work on, its CSV format, and
messages kept across the rerun a button causes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.text import literal
from profile_block.running import aws, local_service
from profile_block.running.local_service import CsvFormat

NOTICE = "data_notice"   # session key: (kind, text) shown once at the top of the page


@dataclass(frozen=True)
class DataTarget:
    """The local service and domain the page works on (domain "" when there is none)."""

    endpoint: str
    domain: str
    connection: aws.Connection

    def client(self) -> Any:
        return aws.get_client(self.connection)


@st.cache_data(show_spinner=False, max_entries=4)
def csv_format(endpoint: str) -> CsvFormat:
    """The service's CSV format (fixed for a running service)."""
    return local_service.csv_format(endpoint)


def notify(kind: str, text: str) -> None:
    """Show ``text`` (kind: success, error, info, warning) at the top of the next run."""
    st.session_state[NOTICE] = (kind, text)


def render_notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice is not None:
        kind, text = notice
        icons = {"success": ":material/check_circle:", "error": ":material/error:",
                 "warning": ":material/warning:", "info": ":material/info:"}
        getattr(st, kind)(literal(text), icon=icons.get(kind))   # plain text: names and values as typed


def describe_error(exc: Exception) -> str:
    """A failure of the service or of an API call, in words."""
    if isinstance(exc, local_service.LocalServiceError):
        return str(exc)
    return aws.describe_connection_error(exc)
