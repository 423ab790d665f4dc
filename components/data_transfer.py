"""The Data page's Import / export section: a CSV upload is checked first (a preview of what it
will change and every row error, nothing written), then imported all or nothing; the domain
downloads as CSV in the same format (what ``python -m profiles_sandbox dump`` writes)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from profile_block.running import local_service
from profile_block.running.local_service import LoadReport

from . import connection
from .data_common import DataTarget, notify
from .text import code, literal, literal_rows

UPLOAD = "data_upload"
PREVIEW = "data_preview"          # (upload id, domain, LoadReport) of the file last checked
MAX_UPLOAD_MB = 48                # the service takes up to 64 MiB of base64: 48 MB of CSV
_UPLOAD_NONCE = "data_upload_nonce"


def _preview(target: DataTarget, upload: Any) -> LoadReport | None:
    """The check of this upload against this domain, made once (reruns reuse it)."""
    ident = (upload.file_id, target.domain)
    cached = st.session_state.get(PREVIEW)
    if cached and cached[0] == ident:
        return cached[1]
    try:
        with st.spinner("Checking every row…"):
            report = local_service.load_csv(target.endpoint, target.domain, upload.getvalue(), commit=False)
    except local_service.LocalServiceError as exc:
        st.error(f"This file cannot be imported: {literal(exc)}", icon=":material/error:")
        return None
    st.session_state[PREVIEW] = (ident, report)
    return report


def _change_text(changes: dict[str, dict[str, str]]) -> str:
    parts = []
    for column, change in changes.items():
        old, new = change["from"], change["to"]
        parts.append(f"{column}: {old} → {new or '(cleared)'}" if old else f"{column}: {new}")
    return "; ".join(parts)


def render(target: DataTarget) -> None:
    """The Import / export section."""
    st.subheader("Import a CSV", anchor=False)
    st.caption("One row per profile. Columns: Profile members (`FirstName`, `PhoneNumber` …), address "
               "parts (`Address.City`, `ShippingAddress.PostalCode` …), `Attributes.<name>`, `Key.<name>` "
               "(a search key's values; a new custom key is added to the domain), optional `ProfileId` "
               "(present: that profile is updated). UTF-8; empty cells are not set. Every row is checked "
               "before anything is written.")
    nonce = st.session_state.get(_UPLOAD_NONCE, 0)
    upload = st.file_uploader("CSV file", type=["csv"], key=f"{UPLOAD}:{nonce}",
                              max_upload_size=MAX_UPLOAD_MB)
    if upload is not None:
        report = _preview(target, upload)
        if report is not None:
            _render_preview(target, upload, report)
    st.divider()
    st.subheader("Export", anchor=False)
    st.caption(f"Every profile of domain **{target.domain}** as CSV, in the format the import reads: "
               "importing it loads the same profiles.")
    st.download_button(f"Download {target.domain}.csv", data=lambda: local_service.export_csv(
        target.endpoint, target.domain), file_name=f"{target.domain}.csv", mime="text/csv",
        icon=":material/download:", on_click="ignore", key="data_export")


def _render_preview(target: DataTarget, upload: Any, report: LoadReport) -> None:
    into = f"domain **{literal(target.domain)}**" + (" (it will be created)" if report.create_domain else "")
    keys = f", new custom key{'s' if len(report.new_keys) > 1 else ''} " + \
        ", ".join(code(k) for k in report.new_keys) if report.new_keys else ""
    values = f"{report.attached_values:,} key value{'s' if report.attached_values != 1 else ''}"
    good = "" if report.ok else " (its good rows)"
    st.markdown(f"**{literal(upload.name)}** into {into}{good}: **{report.creates:,}** to create, "
                f"**{report.updates:,}** to update, {values} to attach{keys}.")
    if not report.ok:
        rows = len({e["row"] for e in report.errors})
        shown = "" if report.error_count == len(report.errors) else f" (the first {len(report.errors):,})"
        st.error(f"{report.error_count:,} error{'s' if report.error_count != 1 else ''} in "
                 f"{rows:,}{'+' if shown else ''} row{'s' if rows != 1 else ''}{shown}: nothing will be "
                 "written. Fix the file and upload it again.", icon=":material/error:")
        # A table, not a data grid: a grid cuts a long message at the cell's edge, a table wraps it.
        st.table(literal_rows({"Row": e["row"], "Column": e["column"], "Problem": e["message"]}
                              for e in report.errors), hide_index=True)
    if report.rows:
        label = "What will change" + (f" (the first {len(report.rows)} rows)"
                                      if len(report.rows) < report.creates + report.updates else "")
        with st.expander(label, expanded=report.ok):
            frame = pd.DataFrame([{"Row": r["row"], "Action": r["action"],
                                   "ProfileId": r["ProfileId"] or "(new)", "Name": r["name"],
                                   "Changes": _change_text(r["changes"])} for r in report.rows])
            st.dataframe(frame, hide_index=True, key="data_preview_rows")
    total = report.creates + report.updates
    if st.button(f"Import {total:,} profile{'s' if total != 1 else ''} into {target.domain}", type="primary",
                 icon=":material/upload:", disabled=not report.ok or (total == 0 and not report.new_keys),
                 key="data_import"):
        _commit(target, upload)


def _commit(target: DataTarget, upload: Any) -> None:
    try:
        with st.spinner("Importing…"):
            report = local_service.load_csv(target.endpoint, target.domain, upload.getvalue(), commit=True)
    except local_service.LocalServiceError as exc:
        notify("error", f"Nothing was imported: {exc}")
    else:
        if report.committed:
            notify("success", f"Imported {upload.name}: {report.summary}. Lookup finds these profiles now.")
            st.session_state[_UPLOAD_NONCE] = st.session_state.get(_UPLOAD_NONCE, 0) + 1   # a fresh uploader
            st.session_state.pop(PREVIEW, None)
            connection.forget_domains()     # a new domain or key shows in the sidebar and the Build page
        else:
            notify("error", "Nothing was imported: the data changed since the check and "
                            f"{report.error_count} rows are now wrong. Check the file again.")
            st.session_state.pop(PREVIEW, None)
    st.rerun()
