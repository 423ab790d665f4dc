"""The sidebar connection panel, shared by every page: backend, (AWS) profile/region/domain, status.

It leaves an ``ActiveConnection`` in ``st.session_state["connection"]`` for pages to use, and the
custom search keys of the selected domain in ``st.session_state["custom_keys"]`` (the Build page's
key picker offers them). The local sandbox's domain is picked here too (the demo domain first); the
Data page switches it with ``use_local_domain`` and calls ``forget_domains`` after it created or
deleted a domain or a key. The local service itself is started by local_sandbox (the only app module
allowed to import ``profiles_sandbox``) on a background thread, when the server starts (app.py), and
handed in as a ``BackgroundStart`` of a ``LocalService``: should it not be up yet, the panel says it is
starting, and a timer runs the app again as soon as it is (``_until_started``).

Secret keys are never asked for nor shown: AWS credentials come from the standard boto3 chain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from components.service_start import BackgroundStart
from components.text import code, literal
from profile_block.model import keys
from profile_block.running import aws, exposure

CONNECTION = "connection"         # session key: the ActiveConnection of this run
CUSTOM_KEYS = "custom_keys"       # session key: list[str], read by the Build page
LOCAL_DOMAIN = "conn_local_domain"   # widget key: the local sandbox's domain in use
_NEXT_LOCAL_DOMAIN = "conn_local_domain.next"
LOCAL, AWS = "Local sandbox", "AWS"
DEFAULT_CHAIN = "(default credential chain)"
# Session caches: (Connection) -> ConnectionCheck, (Connection, domain) -> (keys, problem).
_CHECKS = "conn_checks"
_KEYS_CACHE = "conn_custom_keys"
STARTING = "Starting the local Customer Profiles service…"
STARTING_POLL_S = 0.25     # how often the sidebar looks whether the local service is up


@dataclass(frozen=True)
class LocalService:
    """The in-process local Customer Profiles service, as local_sandbox started it."""

    endpoint_url: str
    domain: str
    examples: list[dict[str, Any]] = field(default_factory=list, hash=False)


@dataclass
class ActiveConnection:
    """What pages need to run lookups: where, which domain, whether it works (and why not)."""

    backend: str
    connection: aws.Connection | None
    domain: str
    ok: bool
    message: str
    examples: list[dict[str, Any]] = field(default_factory=list)   # demo values (local sandbox only)
    demo_domain: str = ""          # the local sandbox's demo domain (local sandbox only)
    starting: bool = False         # the local service is still starting (not a failure)

    @property
    def is_local(self) -> bool:
        return self.backend == LOCAL

    def client(self) -> Any:
        assert self.connection is not None, "no connection"
        return aws.get_client(self.connection)

    @property
    def where(self) -> str:
        """"domain demo on the local sandbox" / "domain prod in eu-west-2 (profile dev)"."""
        if self.is_local:
            return f"domain **{self.domain}** on the local sandbox"
        conn = self.connection or aws.Connection()
        profile = f"profile {conn.profile}" if conn.profile else "default credential chain"
        return f"domain **{self.domain}** in {conn.region or 'the default region'} ({profile})"


def current() -> ActiveConnection | None:
    """The connection the sidebar set up in this run (None if the panel was not drawn)."""
    return st.session_state.get(CONNECTION)


def _cached_check(connection: aws.Connection, refresh: bool) -> aws.ConnectionCheck:
    checks: dict[aws.Connection, aws.ConnectionCheck] = st.session_state.setdefault(_CHECKS, {})
    if refresh or connection not in checks:
        with st.spinner("Checking the connection…"):
            checks[connection] = aws.check_connection(connection)
    return checks[connection]


def _discover_keys(connection: aws.Connection, domain: str, refresh: bool) -> tuple[list[str], str]:
    """Custom key names of ``domain`` (cached per connection and domain) and a problem, if any."""
    cache: dict[tuple[aws.Connection, str], tuple[list[str], str]] = st.session_state.setdefault(
        _KEYS_CACHE, {})
    if refresh or (connection, domain) not in cache:
        try:
            cache[(connection, domain)] = (keys.discover_custom_keys(aws.get_client(connection), domain), "")
        except Exception as exc:  # noqa: BLE001 -- shown in the sidebar, the app goes on
            cache[(connection, domain)] = ([], aws.describe_connection_error(exc))
    return cache[(connection, domain)]


def _local(start: BackgroundStart[LocalService], refresh: bool) -> ActiveConnection:
    if refresh:
        start.retry()      # a failed start (e.g. the data folder was read-only) is tried again
    try:
        service = start.result()
    except Exception as exc:  # noqa: BLE001 -- e.g. the data folder is read-only
        return ActiveConnection(LOCAL, None, "", False,
                                f"The local service could not start ({type(exc).__name__}): {exc}")
    if service is None:
        return ActiveConnection(LOCAL, None, "", False, STARTING, starting=True)
    connection = aws.Connection(endpoint_url=service.endpoint_url, local_service=True)
    check = _cached_check(connection, refresh)
    if not check.ok:
        chosen = st.session_state.get(f"{LOCAL_DOMAIN}.saved") or service.domain
        return ActiveConnection(LOCAL, connection, chosen, False, check.message, demo_domain=service.domain)
    _keep(LOCAL_DOMAIN)
    wanted = st.session_state.pop(_NEXT_LOCAL_DOMAIN, None)
    if wanted in check.domains:
        st.session_state[LOCAL_DOMAIN] = wanted
    if st.session_state.get(LOCAL_DOMAIN) not in check.domains:   # first run, or the domain was deleted
        fallback = service.domain if service.domain in check.domains else check.domains[0]
        st.session_state[LOCAL_DOMAIN] = fallback
    domain = st.sidebar.selectbox("Domain", check.domains, key=LOCAL_DOMAIN,
                                  help="The local service's domains; the Data page creates and deletes them.")
    _save(LOCAL_DOMAIN)
    demo = domain == service.domain
    message = f"Local sandbox at {service.endpoint_url}, domain {domain}" + (" (demo data)." if demo else ".")
    return ActiveConnection(LOCAL, connection, domain, True, message, list(service.examples) if demo else [],
                            demo_domain=service.domain)


def use_local_domain(domain: str) -> None:
    """Make ``domain`` the local sandbox's domain in use from the next run on (the sidebar's
    picker takes it before it is drawn, as Streamlit requires)."""
    st.session_state[_NEXT_LOCAL_DOMAIN] = domain


def forget_domains() -> None:
    """Re-read domains and custom keys on the next run (after the Data page changed them)."""
    st.session_state.pop(_CHECKS, None)
    st.session_state.pop(_KEYS_CACHE, None)


def _keep(key: str, default: Any = None) -> None:
    """Give widget ``key`` back the value it had when it was last drawn.

    Streamlit forgets a widget's value when a run does not draw it (the user switched to the
    local sandbox and back): a plain session key remembers it, so nothing typed is lost.
    """
    saved = st.session_state.get(f"{key}.saved", default)
    if key not in st.session_state and saved is not None:
        st.session_state[key] = saved


def _save(*keys_: str) -> None:
    for key in keys_:
        st.session_state[f"{key}.saved"] = st.session_state.get(key)


def _aws(refresh: bool) -> ActiveConnection:
    sidebar = st.sidebar
    for key in ("conn_profile", "conn_region", "conn_endpoint", "conn_domain"):
        _keep(key)
    try:
        profiles = aws.available_profiles()
    except Exception as exc:  # noqa: BLE001 -- a broken shared config must not break the page
        profiles = []
        reason = literal(aws.describe_connection_error(exc))
        sidebar.warning(f"The AWS config files could not be read: {reason}")
    if st.session_state.get("conn_profile") not in (DEFAULT_CHAIN, *profiles):
        st.session_state.pop("conn_profile", None)   # the profile left the config files
    choice = sidebar.selectbox("AWS profile", [DEFAULT_CHAIN, *profiles], key="conn_profile",
                               help="From ~/.aws/config and ~/.aws/credentials. Keys are never asked for.")
    profile = None if choice == DEFAULT_CHAIN else choice
    regions = aws.customer_profiles_regions()
    if "conn_region" not in st.session_state or st.session_state.get("conn_region_for") != profile:
        # First time, or another profile: start from the region that profile configures.
        st.session_state["conn_region"] = aws.default_region(profile) or "us-east-1"
    st.session_state["conn_region_for"] = profile
    region = sidebar.selectbox("Region", sorted({*regions, st.session_state["conn_region"]}),
                               key="conn_region", accept_new_options=True)
    policy = endpoint_policy()
    typed = sidebar.text_input("Endpoint URL (optional)", key="conn_endpoint", disabled=not policy.allowed,
                               placeholder="https://profile.<region>.amazonaws.com",
                               help="Leave empty for AWS. Any Customer Profiles endpoint works, "
                                    "e.g. a local service.")
    if not policy.allowed:
        sidebar.caption(literal(policy.reason))
    # Off means off: a value kept in the session from before is never used.
    endpoint = (typed.strip() or None) if policy.allowed else None
    connection = aws.Connection(profile=profile, region=region, endpoint_url=endpoint)
    _save("conn_profile", "conn_region", "conn_endpoint")
    check = _cached_check(connection, refresh)
    if not check.ok:
        return ActiveConnection(AWS, connection, "", False, check.message)
    if st.session_state.get("conn_domain") not in check.domains:
        st.session_state.pop("conn_domain", None)
    domain = sidebar.selectbox("Domain", check.domains, key="conn_domain")
    _save("conn_domain")
    return ActiveConnection(AWS, connection, domain or "", True, check.message)


def endpoint_policy() -> exposure.EndpointUrlPolicy:
    """Whether this app, as Streamlit serves it and as this browser reached it, may take an endpoint URL."""
    return exposure.endpoint_url_policy(st.get_option("server.address"), st.context.headers, os.environ)


@st.fragment(run_every=STARTING_POLL_S)
def _until_started(start: BackgroundStart[LocalService]) -> None:
    """The panel's status while the local service starts. Once it is up (or failed), the whole app
    runs again: the panel checks the connection and the page gets it."""
    if start.done():
        st.rerun()
    st.info(STARTING, icon=":material/hourglass_top:")


def render_sidebar(start_local: BackgroundStart[LocalService]) -> ActiveConnection:
    """Draw the panel; store and return the active connection, and the domain's custom keys.

    ``start_local`` is the local service's start; the panel does not begin it (app.py does, with the
    server; studio.py after the page is drawn), it shows whether it is up."""
    sidebar = st.sidebar
    sidebar.subheader("Connection", anchor=False)
    backend = sidebar.radio("Backend", [LOCAL, AWS], key="conn_backend", horizontal=True,
                            help="Local sandbox: a Customer Profiles service on this machine with demo "
                                 "data. AWS: your account, through the standard credential chain.")
    refresh = sidebar.button("Retry / refresh", key="conn_refresh", icon=":material/refresh:",
                             help="Check the connection again and re-read domains and custom keys.")
    if refresh:
        aws.forget_clients()
    active = _local(start_local, refresh) if backend == LOCAL else _aws(refresh)
    if active.ok:
        sidebar.success(literal(active.message), icon=":material/check_circle:")
        custom, problem = _discover_keys(active.connection, active.domain, refresh)  # type: ignore[arg-type]
        st.session_state[CUSTOM_KEYS] = custom
        if problem:
            sidebar.caption(f"Custom search keys could not be read: {literal(problem)}")
        elif custom:
            sidebar.caption("Custom search keys: " + ", ".join(code(k) for k in custom))
    elif active.starting:
        st.session_state[CUSTOM_KEYS] = []
        with sidebar:
            _until_started(start_local)
    else:
        sidebar.error(literal(active.message), icon=":material/error:")
        st.session_state[CUSTOM_KEYS] = []
    st.session_state[CONNECTION] = active
    return active
