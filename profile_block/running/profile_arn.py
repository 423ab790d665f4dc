"""``$.Customer.ProfileARN``: the profile's ARN that a successful Get profile stores.

Connect Cases takes a profile as ``arn:aws:profile:<region>:<account id>:domains/<domain>/profiles/
<profile id>`` (reference, "Where the results go"). SearchProfiles does not return it, so it is built
here; the account comes from the connection:

- the local Customer Profiles service (``profiles_sandbox``, or any endpoint on this machine) has no
  accounts: it is always ``LOCAL_ACCOUNT_ID``;
- AWS: STS ``GetCallerIdentity`` with the connection's own credentials (it needs no permission),
  asked once per connection and remembered; when it fails the ARN is unknown and ``Account.reason``
  says why.

``account_for_client`` finds the connection of a client made by ``aws.get_client``, so the lookup
and batch code need only the client they already have.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from profile_block.running import aws

# The local service's one account id, documented in the README (12 digits, like every AWS account).
LOCAL_ACCOUNT_ID = "000000000000"
PROFILE_ARN_PATH = "$.Customer.ProfileARN"
# A failed GetCallerIdentity is asked again after this long (credentials may have been renewed).
RETRY_FAILED_AFTER_S = 60.0


@dataclass(frozen=True)
class Account:
    """The AWS account a connection's profiles live in, or why it is not known."""

    account_id: str | None
    reason: str = ""        # how it was found, or why not


def profile_arn(region: str, account_id: str, domain: str, profile_id: str) -> str:
    """``arn:aws:profile:<region>:<account>:domains/<domain>/profiles/<profile id>``."""
    return f"arn:aws:profile:{region}:{account_id}:domains/{domain}/profiles/{profile_id}"


_accounts: dict[aws.Connection, tuple[Account, float]] = {}
_lock = threading.Lock()


def _caller_account(connection: aws.Connection) -> Account:
    import boto3

    try:
        session = boto3.session.Session(profile_name=connection.profile, region_name=connection.region)
        sts = session.client("sts", region_name=session.region_name or aws.DEFAULT_ENDPOINT_REGION,
                             config=aws.client_config())
        account_id = sts.get_caller_identity()["Account"]
    except Exception as exc:  # noqa: BLE001 -- every failure is a reason, never a traceback
        return Account(None, "the AWS account is unknown: STS GetCallerIdentity failed: "
                             f"{aws.describe_connection_error(exc)}")
    return Account(str(account_id), "the AWS account of these credentials (STS GetCallerIdentity)")


def account_of(connection: aws.Connection) -> Account:
    """The account of ``connection``; AWS answers are remembered (failures for a minute)."""
    if connection.local_service or aws.is_loopback_url(connection.endpoint_url):
        # An endpoint on this machine is a local service (never ask AWS about it).
        return Account(LOCAL_ACCOUNT_ID, "the local service's fixed account id")
    with _lock:
        known = _accounts.get(connection)
    if known and (known[0].account_id or time.monotonic() - known[1] < RETRY_FAILED_AFTER_S):
        return known[0]
    account = _caller_account(connection)
    with _lock:
        _accounts[connection] = (account, time.monotonic())
    return account


def forget_accounts() -> None:
    with _lock:
        _accounts.clear()


def account_for_client(client: Any) -> Account:
    """The account of a client's connection (a client made elsewhere: the local account when it
    talks to this machine, else unknown)."""
    connection = aws.connection_of(client)
    if connection is not None:
        return account_of(connection)
    endpoint = getattr(getattr(client, "meta", None), "endpoint_url", None)
    if aws.is_loopback_url(endpoint):
        return Account(LOCAL_ACCOUNT_ID, "the local service's fixed account id")
    return Account(None, "the AWS account is unknown: this client was not made from a studio connection")


def arn_for(client: Any, domain: str, profile_id: str | None) -> tuple[str | None, str]:
    """(the ProfileARN a successful lookup stores, "" or why it is unknown)."""
    if not profile_id:
        return None, "the profile has no ProfileId"
    account = account_for_client(client)
    region = getattr(getattr(client, "meta", None), "region_name", None)
    if account.account_id is None:
        return None, account.reason
    if not region:
        return None, "the region is unknown"
    return profile_arn(region, account.account_id, domain, profile_id), ""
