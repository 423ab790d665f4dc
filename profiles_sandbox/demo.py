"""Deterministic seed data: the ``demo`` domain (every branch of a Get-profile block) and the
``synthetic`` domain (N generated profiles for scale tests and benchmarks).

Values to try in the ``demo`` domain (also in ``DEMO_EXAMPLES`` for the README and the Lookup page):

=============================  ===========  ============  =============================================
value                          key          finds         why
=============================  ===========  ============  =============================================
+15555550100                   _phone       1 profile     Maria Elena Garcia, every field filled
+15555550111                   _phone       2 profiles    the Chen household shares a phone
+15555550199                   _phone       0 profiles    nobody has it
+15555550140                   _phone       1 profile     a mobile number only (Ahmed Hassan)
maria.garcia@example.com       _email       1 profile     unique email
olivia.b@example.net           _email       1 profile     a personal email (Olivia Brown)
nobody@example.com             _email       0 profiles    nobody has it
A-1001                         _account     1 profile     unique account number (Maria)
A-2002                         _account     2 profiles    the Chen household's shared account
A-9999                         _account     0 profiles    nobody has it
Maria Elena Garcia             _fullName    1 profile     "First Middle Last"
John Smith                     _fullName    2 profiles    two different people, same name
LOY-1001                       loyaltyId    1 profile     custom key (object type Loyalty)
LOY-2002                       loyaltyId    2 profiles    custom key shared by the Chens
LOY-9999                       loyaltyId    0 profiles    custom key value nobody has
=============================  ===========  ============  =============================================

AND/OR material: ``_phone=+15555550100 AND _account=A-1001`` finds Maria; ``_phone=+15555550100 AND
_account=A-3003`` finds nobody; ``_phone=+15555550100 OR _account=A-3003`` finds two (Maria, Sam Taylor).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

from .store import BulkWriter, Seeder

DEMO_DOMAIN = "demo"
SYNTHETIC_DOMAIN = "synthetic"
CUSTOM_KEY = "loyaltyId"
LOYALTY_OBJECT_TYPE = "Loyalty"
MAX_SYNTHETIC = 10_000_000


def demo_profile_id(slug: str) -> str:
    """Stable 32-hex ProfileIds, so docs and tests can name a demo profile."""
    return hashlib.md5(f"profiles-sandbox-demo:{slug}".encode()).hexdigest()


MARIA_PROFILE_ID = demo_profile_id("maria-garcia")

CHEN_PROFILE_IDS = [demo_profile_id("james-chen"), demo_profile_id("linda-chen")]
SMITH_PROFILE_IDS = [demo_profile_id("john-smith-1"), demo_profile_id("john-smith-2")]

# "profiles": the ProfileIds each example finds, so a tool can work out what several of them find
# together under AND or OR (tests/sandbox/test_demo_data.py checks them against a search).
DEMO_EXAMPLES: list[dict[str, Any]] = [
    {"value": "+15555550100", "key": "_phone", "expect": "one profile", "count": 1,
     "profiles": [MARIA_PROFILE_ID],
     "note": "Maria Elena Garcia: every field filled, four addresses, Attributes (Success)"},
    {"value": "+15555550111", "key": "_phone", "expect": "two profiles", "count": 2,
     "profiles": CHEN_PROFILE_IDS, "note": "the Chen household shares this phone (MultipleFoundError)"},
    {"value": "+15555550199", "key": "_phone", "expect": "no profile", "count": 0, "profiles": [],
     "note": "nobody has this number (NoneFoundError)"},
    {"value": "+15555550140", "key": "_phone", "expect": "one profile", "count": 1,
     "profiles": [demo_profile_id("ahmed-hassan")],
     "note": "Ahmed Hassan: found through MobilePhoneNumber only"},
    {"value": "maria.garcia@example.com", "key": "_email", "expect": "one profile", "count": 1,
     "profiles": [MARIA_PROFILE_ID], "note": "Maria Elena Garcia's email (unique)"},
    {"value": "olivia.b@example.net", "key": "_email", "expect": "one profile", "count": 1,
     "profiles": [demo_profile_id("olivia-brown")],
     "note": "Olivia Brown: found through PersonalEmailAddress"},
    {"value": "nobody@example.com", "key": "_email", "expect": "no profile", "count": 0, "profiles": [],
     "note": "an email address nobody has"},
    {"value": "A-1001", "key": "_account", "expect": "one profile", "count": 1,
     "profiles": [MARIA_PROFILE_ID], "note": "Maria Elena Garcia's account number (unique)"},
    {"value": "A-2002", "key": "_account", "expect": "two profiles", "count": 2,
     "profiles": CHEN_PROFILE_IDS, "note": "the Chen household's shared account"},
    {"value": "A-9999", "key": "_account", "expect": "no profile", "count": 0, "profiles": [],
     "note": "an account number nobody has"},
    {"value": "Maria Elena Garcia", "key": "_fullName", "expect": "one profile", "count": 1,
     "profiles": [MARIA_PROFILE_ID], "note": "full name is \"First Middle Last\" with single spaces"},
    {"value": "John Smith", "key": "_fullName", "expect": "two profiles", "count": 2,
     "profiles": SMITH_PROFILE_IDS, "note": "two different people with the same name"},
    {"value": MARIA_PROFILE_ID, "key": "_profileId", "expect": "one profile", "count": 1,
     "profiles": [MARIA_PROFILE_ID], "note": "Maria Elena Garcia's ProfileId"},
    {"value": "LOY-1001", "key": CUSTOM_KEY, "expect": "one profile", "count": 1,
     "profiles": [MARIA_PROFILE_ID], "note": "custom key from the Loyalty object type (Maria)"},
    {"value": "LOY-2002", "key": CUSTOM_KEY, "expect": "two profiles", "count": 2,
     "profiles": CHEN_PROFILE_IDS, "note": "custom key value shared by the Chen household"},
    {"value": "LOY-9999", "key": CUSTOM_KEY, "expect": "no profile", "count": 0, "profiles": [],
     "note": "custom key value nobody has"},
]

LOYALTY_OBJECT_TYPE_DEFINITION: dict[str, Any] = {
    "Description": "Loyalty programme membership; its key loyaltyId identifies a member.",
    "AllowProfileCreation": False,
    "Fields": {
        "loyaltyId": {"Source": "_source.loyaltyId", "Target": "_profile.Attributes.loyaltyId",
                      "ContentType": "STRING"},
        "phone": {"Source": "_source.phone", "Target": "_profile.PhoneNumber", "ContentType": "PHONE_NUMBER"},
    },
    "Keys": {
        CUSTOM_KEY: [{"StandardIdentifiers": ["SECONDARY"], "FieldNames": ["loyaltyId"]}],
        "_phone": [{"StandardIdentifiers": ["PROFILE"], "FieldNames": ["phone"]}],
    },
}


def _address(street: str, city: str, state: str, postal: str, *, line2: str = "", county: str = "",
             country: str = "US") -> dict[str, str]:
    address = {"Address1": street, "Address2": line2, "City": city, "County": county, "State": state,
               "PostalCode": postal, "Country": country}
    return {k: v for k, v in address.items() if v}


# (slug, fields, loyalty ids attached with AddProfileKey)
_HANDMADE: list[tuple[str, dict[str, Any], list[str]]] = [
    ("maria-garcia", {
        "FirstName": "Maria", "MiddleName": "Elena", "LastName": "Garcia", "BirthDate": "1984-03-12",
        "Gender": "FEMALE", "PartyType": "INDIVIDUAL", "AccountNumber": "A-1001",
        "BusinessName": "Garcia Family Pharmacy",
        "AdditionalInformation": "Prefers a call back after 5 pm; Spanish or English.",
        "PhoneNumber": "+15555550100", "MobilePhoneNumber": "+15555550101",
        "HomePhoneNumber": "+15555550102", "BusinessPhoneNumber": "+15555550103",
        "EmailAddress": "maria.garcia@example.com", "PersonalEmailAddress": "maria.elena@example.net",
        "BusinessEmailAddress": "maria@garciapharmacy.example.com",
        "Address": {"Address1": "123 Main Street", "Address2": "Apt 4B", "Address3": "Building C",
                    "Address4": "Attn: Maria Garcia", "City": "Seattle", "County": "King", "State": "WA",
                    "Province": "Washington", "PostalCode": "98101", "Country": "US"},
        "ShippingAddress": _address("500 Pine Street", "Seattle", "WA", "98101", line2="Suite 200",
                                    county="King"),
        "MailingAddress": _address("PO Box 4410", "Seattle", "WA", "98194", county="King"),
        "BillingAddress": _address("77 Harbor Way", "Tacoma", "WA", "98402", county="Pierce"),
        "Attributes": {"tier": "gold", "loyaltyId": "LOY-1001", "preferredLanguage": "es-US",
                       "segment": "pharmacy-owner"},
    }, ["LOY-1001"]),
    ("james-chen", {
        "FirstName": "James", "LastName": "Chen", "Gender": "MALE", "PartyType": "INDIVIDUAL",
        "AccountNumber": "A-2002", "HomePhoneNumber": "+15555550111", "MobilePhoneNumber": "+15555550112",
        "EmailAddress": "james.chen@example.com",
        "Address": _address("42 Elm Road", "Portland", "OR", "97205", county="Multnomah"),
        "Attributes": {"tier": "silver", "loyaltyId": "LOY-2002", "preferredLanguage": "en-US"},
    }, ["LOY-2002"]),
    ("linda-chen", {
        "FirstName": "Linda", "MiddleName": "Mei", "LastName": "Chen", "Gender": "FEMALE",
        "PartyType": "INDIVIDUAL", "AccountNumber": "A-2002", "PhoneNumber": "+15555550111",
        "MobilePhoneNumber": "+15555550113", "EmailAddress": "linda.chen@example.com",
        "Address": _address("42 Elm Road", "Portland", "OR", "97205", county="Multnomah"),
        "Attributes": {"tier": "silver", "loyaltyId": "LOY-2002", "preferredLanguage": "zh-CN"},
    }, ["LOY-2002"]),
    ("northwind", {
        "BusinessName": "Northwind Traders", "PartyType": "BUSINESS", "AccountNumber": "B-4001",
        "BusinessPhoneNumber": "+15555550120", "BusinessEmailAddress": "orders@northwind.example.com",
        "BillingAddress": _address("1 Commerce Plaza", "Chicago", "IL", "60601", county="Cook"),
        "Attributes": {"tier": "business", "accountManager": "Dana Lee"},
    }, []),
    ("john-smith-1", {
        "FirstName": "John", "LastName": "Smith", "Gender": "MALE", "PartyType": "INDIVIDUAL",
        "PhoneNumber": "+15555550130", "EmailAddress": "john.smith@example.com", "AccountNumber": "A-6001",
        "Address": _address("9 Oak Lane", "Austin", "TX", "73301"),
        "Attributes": {"tier": "bronze"},
    }, []),
    ("john-smith-2", {
        "FirstName": "John", "LastName": "Smith", "Gender": "MALE", "PartyType": "INDIVIDUAL",
        "PhoneNumber": "+15555550131", "EmailAddress": "jsmith@example.org", "AccountNumber": "A-6002",
        "Address": _address("310 Birch Avenue", "Denver", "CO", "80202"),
        "Attributes": {"tier": "silver"},
    }, []),
    ("priya-patel", {
        "FirstName": "Priya", "LastName": "Patel", "Gender": "FEMALE", "PartyType": "INDIVIDUAL",
        "EmailAddress": "priya.patel@example.com", "AccountNumber": "A-7001",
        "Attributes": {"tier": "gold", "preferredChannel": "email"},
    }, []),
    ("ahmed-hassan", {
        "FirstName": "Ahmed", "LastName": "Hassan", "Gender": "MALE", "PartyType": "INDIVIDUAL",
        "MobilePhoneNumber": "+15555550140", "AccountNumber": "A-7002",
        "Address": _address("18 Cedar Court", "Dearborn", "MI", "48126"),
    }, []),
    ("sofia-rossi", {
        "FirstName": "Sofia", "LastName": "Rossi", "Gender": "FEMALE", "PartyType": "INDIVIDUAL",
        "BusinessPhoneNumber": "+15555550150", "BusinessEmailAddress": "sofia.rossi@fabrikam.example.com",
        "BusinessName": "Fabrikam", "AccountNumber": "A-7003",
    }, []),
    ("alex-kim", {
        "FirstName": "Alex", "LastName": "Kim", "Gender": "UNSPECIFIED", "GenderString": "Non-binary",
        "PartyType": "OTHER", "PartyTypeString": "Student", "PhoneNumber": "+15555550160",
        "EmailAddress": "alex.kim@example.com", "AccountNumber": "A-7004",
        "Attributes": {"tier": "bronze", "preferredLanguage": "ko-KR"},
    }, []),
    ("olivia-brown", {
        "FirstName": "Olivia", "LastName": "Brown", "Gender": "FEMALE", "PartyType": "INDIVIDUAL",
        "PersonalEmailAddress": "olivia.b@example.net", "PhoneNumber": "+15555550170",
        "AccountNumber": "A-7005",
    }, []),
    ("sam-taylor", {
        "FirstName": "Sam", "LastName": "Taylor", "PartyType": "INDIVIDUAL", "AccountNumber": "A-3003",
        "PhoneNumber": "+15555550180", "EmailAddress": "sam.taylor@example.com",
        "Attributes": {"tier": "gold", "loyaltyId": "LOY-3003"},
    }, ["LOY-3003"]),
]

_FIRST = ["Emma", "Liam", "Noah", "Ava", "Mia", "Lucas", "Chloe", "Mateo", "Grace", "Ethan",
          "Hannah", "Leo", "Zoe", "Omar", "Isla", "Ravi", "Nora", "Diego", "Yuki", "Kofi"]
_LAST = ["Johnson", "Martinez", "Nguyen", "Okafor", "Müller", "Dubois", "Silva", "Kowalski", "Haddad",
         "Andersen", "Tanaka", "O'Brien", "Rahman", "Costa", "Ivanova", "Mensah", "Lopez", "Schmidt",
         "Park", "Walsh"]
_CITIES = [("Boston", "MA", "02108"), ("Miami", "FL", "33101"), ("Phoenix", "AZ", "85001"),
           ("Atlanta", "GA", "30301"), ("Columbus", "OH", "43004"), ("San Diego", "CA", "92101"),
           ("Nashville", "TN", "37201"), ("Minneapolis", "MN", "55401")]
_TIERS = ["bronze", "silver", "gold", "platinum"]
_LANGUAGES = ["en-US", "es-US", "fr-CA", "en-GB"]


def _generated_demo_profiles() -> list[tuple[str, dict[str, Any], list[str]]]:
    """Twenty ordinary customers: unique phone, email and account each; some with a loyalty id."""
    out = []
    for i in range(20):
        first, last = _FIRST[i], _LAST[i]
        city, state, postal = _CITIES[i % len(_CITIES)]
        email_local = f"{first}.{last}".lower().replace("'", "").replace("ü", "ue")
        fields: dict[str, Any] = {
            "FirstName": first, "LastName": last, "PartyType": "INDIVIDUAL",
            "Gender": "FEMALE" if i % 2 == 0 else "MALE",
            "PhoneNumber": f"+155555502{i:02d}", "EmailAddress": f"{email_local}@example.com",
            "AccountNumber": f"A-5{i:03d}", "BirthDate": f"19{60 + i}-0{1 + i % 9}-1{i % 10}",
            "Address": _address(f"{100 + i * 7} Maple Street", city, state, postal),
            "Attributes": {"tier": _TIERS[i % 4], "preferredLanguage": _LANGUAGES[i % 4]},
        }
        loyalty = []
        if i % 3 == 0:
            loyalty = [f"LOY-5{i:03d}"]
            fields["Attributes"]["loyaltyId"] = loyalty[0]
        out.append((f"customer-{i:02d}", fields, loyalty))
    return out


def demo_profiles() -> list[tuple[str, dict[str, Any], list[tuple[str, str]]]]:
    """(ProfileId, fields, attached keys) of every demo profile, in creation order."""
    return [(demo_profile_id(slug), fields, [(CUSTOM_KEY, v) for v in loyalty])
            for slug, fields, loyalty in _HANDMADE + _generated_demo_profiles()]


def seed_demo(writer: BulkWriter) -> None:
    """The ``demo`` domain, its Loyalty object type (custom key ``loyaltyId``) and profiles."""
    domain_id = writer.create_domain(DEMO_DOMAIN, {"DefaultExpirationDays": 366,
                                                   "Tags": {"purpose": "demo"}})
    writer.put_object_type(domain_id, LOYALTY_OBJECT_TYPE, LOYALTY_OBJECT_TYPE_DEFINITION)
    writer.add_profiles(domain_id, demo_profiles())


# --- synthetic ---------------------------------------------------------------------------------
def synthetic_phone(i: int) -> str:
    """Phone of synthetic profile ``i`` (every 100th profile also shares the previous one's)."""
    return f"+1555{i:07d}"


def synthetic_profiles(n: int, seed: int = 7) -> Iterator[tuple[str, dict[str, Any], list[tuple[str, str]]]]:
    """N deterministic profiles; each has a unique phone, email and account number."""
    rng = random.Random(seed)
    pick = rng.random  # one float per choice: much cheaper than randrange at a million profiles
    bits = rng.getrandbits
    nf, nl, nc, nt = len(_FIRST), len(_LAST), len(_CITIES), len(_TIERS)
    for i in range(n):
        city, state, postal = _CITIES[int(pick() * nc)]
        fields: dict[str, Any] = {
            "FirstName": _FIRST[int(pick() * nf)], "LastName": _LAST[int(pick() * nl)],
            "PartyType": "INDIVIDUAL", "PhoneNumber": synthetic_phone(i),
            "EmailAddress": f"user{i}@synthetic.example.com", "AccountNumber": f"S-{i:07d}",
            "Address": {"City": city, "State": state, "PostalCode": postal, "Country": "US"},
            "Attributes": {"tier": _TIERS[int(pick() * nt)]},
        }
        if i % 100 == 99:  # a household: shares the previous profile's phone
            fields["HomePhoneNumber"] = synthetic_phone(i - 1)
        yield f"{bits(128):032x}", fields, []


def seed_synthetic(n: int) -> Seeder:
    def seed(writer: BulkWriter) -> None:
        domain_id = writer.create_domain(SYNTHETIC_DOMAIN, {"DefaultExpirationDays": 366,
                                                            "Tags": {"purpose": "synthetic"}})
        writer.add_profiles(domain_id, synthetic_profiles(n))
    seed.__name__ = f"seed_synthetic_{n}"
    return seed


def parse_seed(spec: str) -> list[Seeder]:
    """``demo``, ``synthetic:N``, ``none``, or several joined by commas (``demo,synthetic:1000``).

    Raises ValueError with a message a person can act on.
    """
    seeders: list[Seeder] = []
    parts = [p.strip() for p in spec.split(",")]
    for part in parts:
        if part == "none":
            if len(parts) > 1:
                raise ValueError("--seed none cannot be combined with other seeds")
        elif part == "demo":
            seeders.append(seed_demo)
        elif part.startswith("synthetic:"):
            count = part.split(":", 1)[1]
            if not count.isdigit() or not 1 <= int(count) <= MAX_SYNTHETIC:
                raise ValueError(f"--seed synthetic:N needs N between 1 and {MAX_SYNTHETIC:,}, "
                                 f"got '{count}'")
            seeders.append(seed_synthetic(int(count)))
        else:
            raise ValueError(f"unknown seed '{part}': use demo, synthetic:N or none")
    return seeders
