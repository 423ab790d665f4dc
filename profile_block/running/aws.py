"""boto3 clients for Customer Profiles: one per connection, cached, with bounded retries/timeouts.

A ``Connection`` says where to send requests: an AWS profile (or the default credential chain),
a region, an optional endpoint URL. The local Customer Profiles service (``profiles_sandbox``)
is reached the same way, through its ``endpoint_url``; it only checks that requests are signed
with its default access key, ``LOCAL_SERVICE_ACCESS_KEY``.

Secret keys never pass through this module's arguments, results or messages: credentials come
from the standard boto3 chain, except the local service's public, documented dummy key.

boto3 is imported lazily so that commands which never talk to a service start fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from profile_block.running.batch_limits import is_local_endpoint

if TYPE_CHECKING:
    from botocore.config import Config

SERVICE_NAME = "customer-profiles"
# The local Customer Profiles service's default access key (profiles_sandbox accepts requests
# signed with it). It is a public placeholder for the local stand-in, NOT an AWS credential;
# it is the only key ever written in this project, and only the local service accepts it.
LOCAL_SERVICE_ACCESS_KEY = "sandbox"
# Region used to sign requests to an endpoint URL when nothing else names one.
DEFAULT_ENDPOINT_REGION = "us-east-1"
# Bounded so an unreachable endpoint fails within seconds, not minutes.
CONNECT_TIMEOUT_S = 3
READ_TIMEOUT_S = 10
# Calls in all, the first one included (botocore's total_max_attempts; its max_attempts would
# count only the retries, so max_attempts=3 makes 4 calls).
MAX_ATTEMPTS = 3
# botocore's default HTTP connection pool: enough for one lookup at a time. A batch run sizes
# the pool to its workers, so concurrent lookups never open and drop extra connections.
DEFAULT_POOL_CONNECTIONS = 10

# Error codes grouped by what the user must do about them.
_EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
_DENIED_CODES = frozenset({
    "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidClientTokenId",
    "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationTokenException",
})
_NETWORK_ERRORS = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)
# Failures that say the connection itself cannot be used (unreachable endpoint, credentials,
# access, unknown domain), whatever the request: the same for every contact of a batch run.
_SETUP_ERRORS = frozenset({
    *(cls.__name__ for cls in (
        EndpointConnectionError, ConnectTimeoutError, NoCredentialsError, PartialCredentialsError,
        CredentialRetrievalError, ProfileNotFound, NoRegionError, UnauthorizedSSOTokenError,
        SSOTokenLoadError, TokenRetrievalError, SSOError)),
    *_EXPIRED_CODES, *_DENIED_CODES, "ResourceNotFoundException",
})
# An endpoint that answers, but not as Customer Profiles: a path after the address (the local
# service says UnknownOperationException), or another web server. botocore names an error answer
# without an AWS error shape by its HTTP status ("404", "405", "501").
_UNKNOWN_OPERATION_CODES = frozenset({"UnknownOperationException", "UnknownOperation"})
_PAGE_QUOTE = 400      # bytes of a refused web page kept for the message (which shortens it again)


def refuse_a_web_page(http_response: Any, model: Any = None, **_: Any) -> None:
    """botocore's ``after-call`` handler on every Customer Profiles client: a success status whose
    body is text (``text/html``: a proxy's sign-in page, a web app's catch-all route) is no
    Customer Profiles answer. botocore would read it as an empty result, and a lookup would say
    None found. It is refused as botocore names an error answer without an AWS error shape: by its
    HTTP status, so ``is_not_the_service`` knows it."""
    if http_response.status_code >= 300:
        return
    content_type = http_response.headers.get("content-type", "")
    if not content_type.lower().startswith("text/"):
        return
    said = http_response.content[:_PAGE_QUOTE].decode("utf-8", "replace")
    raise ClientError({"Error": {"Code": str(http_response.status_code),
                                 "Message": f"a {content_type} page, not JSON: {said}"},
                       "ResponseMetadata": {"HTTPStatusCode": http_response.status_code}},
                      getattr(model, "name", "call"))


def is_not_the_service(error_class_name: str) -> bool:
    """True when an error (named as ``error_class`` names it) came from something that answers
    no Customer Profiles call: the endpoint URL points at the wrong place."""
    return error_class_name in _UNKNOWN_OPERATION_CODES or error_class_name.isdigit()


@dataclass(frozen=True)
class Connection:
    """Where requests go. Hashable: it is the client cache key.

    ``profile`` None means the default credential chain. ``local_service`` signs with
    ``LOCAL_SERVICE_ACCESS_KEY`` instead of the chain (only meaningful with ``endpoint_url``).
    """

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    local_service: bool = False

    @property
    def label(self) -> str:
        """A short description for status lines and logs (never a secret)."""
        if self.local_service:
            return f"local service at {self.endpoint_url}"
        where = f"profile {self.profile}" if self.profile else "default credential chain"
        region = self.region or "default region"
        return f"{where}, {region}" + (f", endpoint {self.endpoint_url}" if self.endpoint_url else "")


def client_config(max_pool_connections: int = DEFAULT_POOL_CONNECTIONS, retries: bool = True) -> Config:
    """Retries in standard mode (throttling and 5xx retried with backoff), bounded timeouts, and
    an HTTP connection pool of ``max_pool_connections`` (one per concurrent request).

    ``retries=False``: one call per request, for a caller that retries itself (a batch run gives
    every row the same attempts; botocore's retry quota, shared by the whole client, does not).
    """
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS if retries else 1},
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        max_pool_connections=max_pool_connections,
    )


_clients: dict[tuple[Connection, int, bool], Any] = {}
_clients_lock = threading.Lock()
# id(client) -> (client, its connection), for code that holds only the client (profile_arn).
_connections: dict[int, tuple[Any, Connection]] = {}


def get_client(connection: Connection, max_pool_connections: int = DEFAULT_POOL_CONNECTIONS, *,
               retries: bool = True) -> Any:
    """The Customer Profiles client of ``connection``, created once and then reused.

    ``max_pool_connections``: how many requests the client may have open at once (a batch run
    passes its number of workers); each pool size is its own cached client. ``retries=False``:
    a client that calls once per request (a batch run retries each row itself), cached apart.
    Clients are thread-safe, sessions are not: each client gets its own session, created under
    a lock. Raises botocore errors (ProfileNotFound, NoRegionError ...) that
    ``describe_connection_error`` turns into words.
    """
    key = (connection, max_pool_connections, retries)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _new_client(connection, max_pool_connections, retries)
            _clients[key] = client
            _connections[id(client)] = (client, connection)
        return client


def connection_of(client: Any) -> Connection | None:
    """The connection a client of ``get_client`` was made for (None for any other client); a
    wrapper (a batch run's paced client) is looked through to the client it wraps."""
    client = getattr(client, "wrapped", client)
    with _clients_lock:
        known = _connections.get(id(client))
    return known[1] if known and known[0] is client else None


def forget_clients() -> None:
    """Drop every cached client (after the user changed the shared config, and in tests)."""
    with _clients_lock:
        _clients.clear()
        _connections.clear()


def client_attempts(client: Any) -> int:
    """How many calls the client itself makes per request: 1 when it does not retry (or is no
    botocore client, e.g. a test double)."""
    config = getattr(getattr(client, "meta", None), "config", None)
    if config is None:
        return 1
    retries = getattr(config, "retries", None) or {}
    if "total_max_attempts" in retries:
        return int(retries["total_max_attempts"])
    if "max_attempts" in retries:
        return int(retries["max_attempts"]) + 1
    return MAX_ATTEMPTS     # botocore's defaults retry


def share_data_loader(loader: Any) -> None:
    """Read botocore's data (the service model, endpoint rules) for every client made from now on
    through ``loader``, a ``botocore.loaders.Loader``. A loader keeps what it has read, so clients
    sharing one parse the large Customer Profiles model once per process: the app hands in the
    loader its local service validates requests with (benchmarks/cold_start.py)."""
    global _data_loader
    with _clients_lock:
        _data_loader = loader


_data_loader: Any = None    # every client's botocore data loader; made on first use


def _botocore_session(profile: str | None) -> Any:
    """A new botocore session (sessions are not thread-safe) reading data through the shared loader."""
    import botocore.loaders
    import botocore.session

    global _data_loader
    if _data_loader is None:
        _data_loader = botocore.loaders.create_loader()
    session = botocore.session.Session(profile=profile)
    session.register_component("data_loader", _data_loader)
    return session


def _new_client(connection: Connection, max_pool_connections: int, retries: bool = True) -> Any:
    # botocore's create_client is what boto3's Session.client calls; a botocore session lets
    # every client share one data loader (boto3's Session would add a search path to it each time).
    config = client_config(max_pool_connections, retries)
    if connection.local_service:
        session = _botocore_session(None)
        client = session.create_client(
            SERVICE_NAME, region_name=connection.region or DEFAULT_ENDPOINT_REGION,
            endpoint_url=connection.endpoint_url, config=config,
            aws_access_key_id=LOCAL_SERVICE_ACCESS_KEY, aws_secret_access_key=LOCAL_SERVICE_ACCESS_KEY,
        )
    else:
        session = _botocore_session(connection.profile)
        region = connection.region or session.get_config_variable("region")
        region = region or (DEFAULT_ENDPOINT_REGION if connection.endpoint_url else None)
        client = session.create_client(SERVICE_NAME, region_name=region, endpoint_url=connection.endpoint_url,
                                       config=config)
    client.meta.events.register(f"after-call.{client.meta.service_model.service_id.hyphenize()}",
                                refuse_a_web_page)
    return client


def available_profiles() -> list[str]:
    """Profile names of the shared config/credentials files, sorted."""
    import boto3

    return sorted(boto3.session.Session().available_profiles)


def customer_profiles_regions() -> list[str]:
    """Regions where botocore's endpoint data lists Customer Profiles (read offline)."""
    import boto3

    return sorted(boto3.session.Session().get_available_regions(SERVICE_NAME))


def default_region(profile: str | None = None) -> str | None:
    """The region the profile (or the environment) configures, if any."""
    import boto3

    try:
        return boto3.session.Session(profile_name=profile).region_name
    except ProfileNotFound:
        return None


def credentials_available(profile: str | None = None) -> bool:
    """True when the environment or the shared files hold credentials for ``profile``.

    Instance and container roles are not consulted: on a laptop, asking the metadata service
    costs seconds of timeouts, and with an endpoint URL those roles are not what is meant.
    """
    import botocore.session

    session = botocore.session.Session(profile=profile)
    resolver = session.get_component("credential_provider")
    for name in ("iam-role", "container-role"):
        try:
            resolver.remove(name)
        except Exception:  # noqa: BLE001 -- provider names differ between botocore versions
            pass
    try:
        return resolver.load_credentials() is not None
    except (BotoCoreError, ClientError):
        return False


def list_domains(client: Any) -> list[str]:
    """Every domain name the connection can see, sorted. ListDomains has no paginator."""
    names: list[str] = []
    token: str | None = None
    while True:
        page = client.list_domains(**({"NextToken": token} if token else {}))
        names.extend(item["DomainName"] for item in page.get("Items", []))
        token = page.get("NextToken")
        if not token:
            return sorted(names)


@dataclass
class ConnectionCheck:
    """Whether a connection works: ``ok``, a status line in words, the domains it sees."""

    ok: bool
    message: str
    domains: list[str] = field(default_factory=list)


def is_loopback_url(url: str | None) -> bool:
    """Whether ``url`` points at this machine (127.0.0.0/8, ::1, localhost)."""
    return is_local_endpoint(url)


# What the AWS backend pointed at this machine most likely talks to, and what it expects.
LOCAL_ENDPOINT_HINT = (
    "An endpoint on this machine is most likely a local Customer Profiles service "
    "(python -m profiles_sandbox): it accepts only requests signed with the access key it was started "
    f"with, {LOCAL_SERVICE_ACCESS_KEY!r} unless it was started with --access-key. Run the app with that "
    f"key (for example AWS_ACCESS_KEY_ID={LOCAL_SERVICE_ACCESS_KEY} and any AWS_SECRET_ACCESS_KEY), or "
    "pick the Local sandbox backend, which signs with it.")


def _is_credentials_problem(exc: BaseException) -> bool:
    if isinstance(exc, ClientError):
        return error_class(exc) in _DENIED_CODES
    return isinstance(exc, (NoCredentialsError, PartialCredentialsError))


def check_connection(connection: Connection,
                     make_client: Callable[[Connection], Any] = get_client) -> ConnectionCheck:
    """Create the client and list domains; say whether that worked and, if not, why. Credentials
    refused by an endpoint on this machine add which access key a local service expects."""
    try:
        client = make_client(connection)
        domains = list_domains(client)
    except Exception as exc:  # noqa: BLE001 -- every failure becomes a status line, never a traceback
        message = describe_connection_error(exc)
        if (not connection.local_service and is_loopback_url(connection.endpoint_url)
                and _is_credentials_problem(exc)):
            message = f"{message} {LOCAL_ENDPOINT_HINT}"
        return ConnectionCheck(False, message)
    if not domains:
        return ConnectionCheck(False, f"Connected ({connection.label}), but there are no Customer Profiles "
                                      "domains here: create one, or pick another region or account.")
    count = f"{len(domains)} domain{'s' if len(domains) != 1 else ''}"
    return ConnectionCheck(True, f"Connected ({connection.label}): {count}.", domains)


def error_class(exc: BaseException) -> str:
    """The error's name as AWS and botocore print it: the service error code, else the class."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or type(exc).__name__)
    return type(exc).__name__


_ATTEMPTS_NOTE = "profile_block_attempts"


def note_attempts(exc: BaseException, attempts: int) -> None:
    """Record on ``exc`` how many calls a caller that retries itself made (``attempts_made``
    says it then, for any error, the network's included)."""
    setattr(exc, _ATTEMPTS_NOTE, attempts)


def attempts_made(exc: BaseException) -> str:
    """How often the request was sent before this error: as noted by a caller that retries
    itself (``note_attempts``), else exact when the service answered (botocore's RetryAttempts;
    its retry quota may stop retrying early), else the most botocore tries."""
    noted = getattr(exc, _ATTEMPTS_NOTE, None)
    if isinstance(noted, int):
        retries: Any = noted - 1
    elif isinstance(exc, ClientError):
        retries = exc.response.get("ResponseMetadata", {}).get("RetryAttempts")
    else:
        retries = None
    if isinstance(retries, int):
        return f"after {retries + 1} attempt{'' if retries == 0 else 's'}"
    return f"after up to {MAX_ATTEMPTS} attempts"


def is_setup_error(error_class_name: str) -> bool:
    """True when an error (named as ``error_class`` names it) means the connection or the domain
    cannot be used at all, rather than that one request failed (throttling, a bad value ...)."""
    return error_class_name in _SETUP_ERRORS or is_not_the_service(error_class_name)


def describe_connection_error(exc: BaseException) -> str:
    """What went wrong talking to the service, in words a user can act on.

    Classifies: no credentials, expired SSO token or session, access denied, unknown profile,
    no region, unreachable endpoint, throttling, service-side errors; anything else is named by
    its class and message.
    """
    if isinstance(exc, ClientError):
        code = error_class(exc)
        message = exc.response.get("Error", {}).get("Message") or str(exc)
        if code in _EXPIRED_CODES:
            return f"The credentials have expired ({code}): sign in again (for SSO: aws sso login)."
        if code in _DENIED_CODES:
            return (f"Access denied ({code}): these credentials may not use Customer Profiles here. "
                    f"{message}")
        if code == "ResourceNotFoundException":
            return f"Not found ({code}): {message} Check the domain name and the region."
        if code in ("ThrottlingException", "TooManyRequestsException"):
            return f"The service is throttling requests ({code}) {attempts_made(exc)}: {message}"
        if code == "InternalServerException":
            return f"The service failed ({code}) {attempts_made(exc)}: {message}"
        if is_not_the_service(code):
            said = " ".join(message.split())[:200]    # an HTML page, on one line and short
            return (f"The endpoint answered, but not as Customer Profiles ({code}): {said} "
                    "Check the endpoint URL: the service's address with no path, e.g. "
                    "http://127.0.0.1:4599 for a local service.")
        if code == "BadRequestException":
            return f"The service rejected the request ({code}): {message}"
        return f"{code}: {message}"
    if isinstance(exc, (UnauthorizedSSOTokenError, SSOTokenLoadError, TokenRetrievalError, SSOError)):
        return (f"The SSO session has expired or is missing ({type(exc).__name__}): run "
                "aws sso login --profile <profile>, then press Retry.")
    if isinstance(exc, NoCredentialsError):
        return ("No AWS credentials found (NoCredentialsError): pick a profile, or sign in "
                "(aws configure / aws sso login).")
    if isinstance(exc, PartialCredentialsError):
        return f"The AWS credentials are incomplete (PartialCredentialsError): {exc}"
    if isinstance(exc, CredentialRetrievalError):
        return f"The credentials could not be obtained (CredentialRetrievalError): {exc}"
    if isinstance(exc, ProfileNotFound):
        return f"Unknown AWS profile (ProfileNotFound): {exc}"
    if isinstance(exc, NoRegionError):
        return "No region is configured (NoRegionError): pick a region."
    if isinstance(exc, _NETWORK_ERRORS):
        return (f"The service is unreachable ({type(exc).__name__}) {attempts_made(exc)}: {exc}. "
                "Check the endpoint URL, the region and the network.")
    if isinstance(exc, ParamValidationError):
        return f"The request is not valid (ParamValidationError): {exc}"
    return f"{type(exc).__name__}: {exc}"
