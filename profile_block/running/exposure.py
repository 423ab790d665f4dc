"""Who can reach the app, and what that turns off: the AWS endpoint-URL setting.

Whoever can open the app can pick the AWS backend and run lookups with the operator's
credentials. With an endpoint URL of their choice they would also receive the operator's
SigV4-signed requests, access key id and session token included. So the endpoint URL may be set
only when the app is served to this machine alone and reached under a loopback name, unless the
operator says otherwise. (Which host names the app answers at all is ``profile_block.running.host_names``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from profile_block.running.host_names import host_name, is_loopback_host, request_host

ALLOW_ENDPOINT_URL = "STUDIO_ALLOW_ENDPOINT_URL"     # "1": allow, "0": forbid, unset: decided here
# Headers a reverse proxy adds: the browser is elsewhere even though the app listens on loopback.
FORWARDED_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
_YES, _NO = ("1", "true", "yes"), ("0", "false", "no")


def binds_beyond_loopback(address: str | None) -> bool:
    """Whether Streamlit, configured with this ``server.address``, accepts other machines.

    Unset or empty: Streamlit binds every interface (0.0.0.0 and ::). ``unix://...``: a local
    socket. An IP address: whether it is a loopback one. ``localhost``: loopback. Any other host
    name counts as reachable (names are not resolved; a wrong "no" would leak credentials).
    """
    if not address or not address.strip():
        return True
    return not (address.strip().startswith("unix://") or is_loopback_host(address))


@dataclass(frozen=True)
class EndpointUrlPolicy:
    """Whether the endpoint-URL field may be used; ``reason`` says why not, in the user's words."""

    allowed: bool
    reason: str = ""


def endpoint_url_policy(address: str | None, request_headers: Mapping[str, str],
                        environ: Mapping[str, str]) -> EndpointUrlPolicy:
    """The endpoint-URL rule for an app configured with ``server.address`` = ``address``, seen
    through a browser request with ``request_headers``, in an environment ``environ``.

    ``STUDIO_ALLOW_ENDPOINT_URL=1`` allows it and ``=0`` forbids it whatever the address;
    unset, it is allowed only when the app listens on loopback, the request's ``Host`` is a loopback
    name (or absent: no browser) and no proxy forwarded the request.
    """
    setting = environ.get(ALLOW_ENDPOINT_URL, "").strip().lower()
    if setting in _YES:
        return EndpointUrlPolicy(True)
    how_to = f"set {ALLOW_ENDPOINT_URL}=1 where the app runs to allow it"
    if setting in _NO:
        return EndpointUrlPolicy(False, f"The operator turned the endpoint URL off ({ALLOW_ENDPOINT_URL}=0).")
    if binds_beyond_loopback(address):
        shown = f"server.address = {address}" if address else "server.address is not set: every interface"
        return EndpointUrlPolicy(False, f"The endpoint URL is off because this app is served beyond this "
                                        f"machine ({shown}): it would send your signed AWS requests "
                                        f"wherever a visitor points it. The operator can {how_to}.")
    headers = {name.lower() for name in request_headers}
    host = request_host(request_headers)
    name = None if host is None else host_name(host)
    if host is not None and (name is None or not is_loopback_host(name)):
        # An allowed name that is not loopback: a team's proxy, or a name that points here.
        return EndpointUrlPolicy(False, f"The endpoint URL is off because this app was reached under "
                                        f"{'the name ' + name if name else 'a Host that cannot be read'}, "
                                        "not a loopback name: it would send your signed AWS requests "
                                        f"wherever a visitor points it. The operator can {how_to}.")
    if headers.intersection(FORWARDED_HEADERS):
        return EndpointUrlPolicy(False, "The endpoint URL is off because this app is reached through a "
                                        "proxy: it would send your signed AWS requests wherever a visitor "
                                        f"points it. The operator can {how_to}.")
    return EndpointUrlPolicy(True)
