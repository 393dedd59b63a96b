"""The Swedish and Finnish interfaces have no English left in them, and the
catalogue has no fuzzy or missing Swedish entries.

Each demo role's main pages (its start pages and the pages they link to) are
rendered in Swedish and in Finnish; the test fails when an English message of
our catalogue (one whose Swedish, or Finnish, differs) or of Django's that
Tillit overrides appears in the page. The same pages in English and in Finnish
must not carry the catalogue's Swedish. The demo is loaded once for the module
and rolled back after it.
"""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from tillit.core.content_languages import in_any_language
from tillit.demo.core import DEMO_PASSWORD
from tillit.programmes.models import Programme, Session

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUE = LOCALE / "sv" / "LC_MESSAGES" / "django.po"
FINNISH_CATALOGUE = LOCALE / "fi" / "LC_MESSAGES" / "django.po"
ROLES = [
    "arrangor.esv@example.org",
    "arrangor.fm@example.org",
    "deltagare.stat@example.org",
    "deltagare.kommun@example.org",
    "hr.eskilstuna@example.org",
    "hr.linkoping@example.org",
    "larare.esv@example.org",
    "ordforande.hrforum@example.org",
    "smagrupp.medlem@example.org",
]
START = [
    "/",
    "/events/",
    "/home/",
    "/my-programmes/",
    "/organiser/",
    "/teaching/",
    "/employer/",
    "/rollouts/",
    "/settings/notifications/",
]
#: Links a crawl must not follow: downloads, actions, other languages' pages.
SKIP = re.compile(
    r"^/(admin|api|i18n|static|media)/|\.(ics|xlsx|csv|pdf)$|/files?/|/download|"
    r"logout|/export"
)
PAGES_PER_ROLE = 20
#: Public pages every role shares; each role visits its own pages first.
PUBLIC = re.compile(
    r"^/(programmes|events|networks|accessibility|cookies|certificates)/"
)
#: Messages too generic to point at a page that forgot its translation.
MIN_LENGTH = 14


def _entries(text):
    """(msgid, msgstr, flags) of each entry of a .po file, plural forms joined."""
    for block in text.split("\n\n"):
        flags = " ".join(re.findall(r"^#, (.*)$", block, re.M))
        fields = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = match.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if "msgid" not in fields or block.lstrip().startswith("#~"):
            continue
        strings = [v for k, v in fields.items() if k.startswith("msgstr")]
        yield fields["msgid"], strings, flags


def _unescape(text):
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def _read(path):
    return [
        (_unescape(msgid), [_unescape(s) for s in strings], flags)
        for msgid, strings, flags in _entries(path.read_text())
        if msgid
    ]


@pytest.fixture(scope="module")
def catalogue():
    return _read(CATALOGUE)


@pytest.fixture(scope="module")
def finnish_catalogue():
    return _read(FINNISH_CATALOGUE)


def _literal_parts(message):
    """The parts of a message between its placeholders, long enough to tell."""
    parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", message)
    return [p.strip() for p in parts if len(p.strip()) >= MIN_LENGTH and " " in p]


def _english_of(catalogue):
    """Text that only an untranslated page shows: English parts of messages
    whose translation differs, and Django's messages that Tillit translates."""
    found = set()
    for msgid, strings, _flags in catalogue:
        if strings and all(s and s != msgid for s in strings):
            found.update(_literal_parts(msgid))
    return found | {"Select an option"}


@pytest.fixture(scope="module")
def english(catalogue):
    return _english_of(catalogue)


@pytest.fixture(scope="module")
def english_for_finnish(finnish_catalogue):
    return _english_of(finnish_catalogue)


@pytest.fixture(scope="module")
def swedish(catalogue):
    found = set()
    for msgid, strings, _flags in catalogue:
        for text in strings:
            if text and text != msgid:
                # Four words or more: shorter Swedish may be the demo's own
                # content ("Arbetsintegrerad hemuppgift" names an assignment).
                found.update(p for p in _literal_parts(text) if len(p.split()) >= 4)
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("loaddemo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _stored_content(phrase):
    """Whether a phrase is content written into the database, in Swedish only
    (an event series' summary, a session's title that a Finnish reader reads in
    Swedish for want of a Finnish one), not interface text."""
    return (
        Programme.objects.filter(
            in_any_language("title", "contains", phrase)
            | in_any_language("summary", "contains", phrase)
            | in_any_language("description", "contains", phrase)
        ).exists()
        or Session.objects.filter(in_any_language("title", "contains", phrase)).exists()
    )


def _visible(response):
    text = response.content.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(text))


def _links(response):
    for href in re.findall(r'href="(/[^"#?]*)"', response.content.decode()):
        if not SKIP.search(href):
            yield href


def _crawl(client, email, language):
    """Each page a role reaches from its start pages, as visible text."""
    client.cookies["django_language"] = language
    assert client.login(email=email, password=DEMO_PASSWORD)
    seen, queue, pages = set(), list(START), {}
    while queue and len(pages) < PAGES_PER_ROLE + len(START):
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        pages[path] = _visible(response)
        new = [link for link in _links(response) if link not in seen]
        queue = [link for link in new if not PUBLIC.match(link)] + queue
        queue += [link for link in new if PUBLIC.match(link)]
    client.logout()
    return pages


def test_the_swedish_catalogue_has_no_fuzzy_or_missing_entries(catalogue):
    fuzzy = [msgid for msgid, _s, flags in catalogue if "fuzzy" in flags]
    missing = [msgid for msgid, strings, _f in catalogue if not all(strings)]

    assert fuzzy == []
    assert missing == []


@pytest.mark.slow
@pytest.mark.parametrize("email", ROLES)
def test_the_swedish_pages_have_no_english_left(
    django_db_setup, db, demo, client, english, email
):
    pages = _crawl(client, email, "sv")

    left = {
        (path, phrase)
        for path, text in pages.items()
        for phrase in english
        if phrase in text
    }

    assert sorted(left) == []


@pytest.mark.slow
@pytest.mark.parametrize("email", ROLES[:3])
def test_the_english_pages_have_no_swedish_of_the_catalogue(
    django_db_setup, db, demo, client, swedish, email
):
    pages = _crawl(client, email, "en")

    left = {
        (path, phrase)
        for path, text in pages.items()
        for phrase in swedish
        if phrase in text and not _stored_content(phrase)
    }

    assert sorted(left) == []


@pytest.mark.slow
@pytest.mark.parametrize("email", ROLES)
def test_the_finnish_pages_have_no_english_left(
    django_db_setup, db, demo, client, english_for_finnish, email
):
    pages = _crawl(client, email, "fi")

    left = {
        (path, phrase)
        for path, text in pages.items()
        for phrase in english_for_finnish
        if phrase in text
    }

    assert sorted(left) == []


@pytest.mark.slow
@pytest.mark.parametrize("email", ROLES)
def test_the_finnish_pages_have_no_swedish_of_the_catalogue(
    django_db_setup, db, demo, client, swedish, email
):
    pages = _crawl(client, email, "fi")

    left = {
        (path, phrase)
        for path, text in pages.items()
        for phrase in swedish
        if phrase in text and not _stored_content(phrase)
    }

    assert sorted(left) == []
