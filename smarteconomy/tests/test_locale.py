"""The Indonesian catalogue: complete, compiled, active by default and faithful to the placeholders.

After adding or changing a translatable string:
    python manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=var --ignore=staticfiles
    (translate it in locale/id/LC_MESSAGES/django.po)
    python manage.py compilemessages -l id --ignore=.venv
and commit both django.po and django.mo (a fresh machine may lack GNU gettext).
"""

import re

import polib
import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = settings.BASE_DIR / "locale" / "id" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %(size).1f, %(byte)02X, %d, %s ... ("%%" is a literal percent sign and is removed first).
# The space flag is left out on purpose, so that a literal "50% done" is not read as "% d".
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0+\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
NAMED = re.compile(r"^%\(")
# {name}, {0}, {}, {name:>10}, {name!r}; "{{" and "}}" are literal braces and are removed first.
BRACE_PLACEHOLDER = re.compile(r"\{(?:[A-Za-z_][A-Za-z0-9_.]*|\d*)(?:![rsa])?(?::[^{}]*)?\}")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


def _entries(po):
    return [e for e in po if not e.obsolete]


def _key(entry):
    """What a compiled catalogue holds for an entry: (context, msgid, plural msgid, translations)."""
    if entry.msgid_plural:
        translations = tuple(value for _index, value in sorted(entry.msgstr_plural.items()))
    else:
        translations = (entry.msgstr,)
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None, translations)


def _placeholders(text):
    percent = PERCENT_PLACEHOLDER.findall(text.replace("%%", ""))
    named = {p for p in percent if NAMED.match(p)}
    positional = [p for p in percent if not NAMED.match(p)]  # order matters for unnamed placeholders
    braces = set(BRACE_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))
    return named, positional, braces


def test_catalogue_is_complete_and_has_no_fuzzy_entries(po):
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in po.untranslated_entries()]
    assert untranslated == [], f"Untranslated msgids: {untranslated}"
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert fuzzy == [], f"Fuzzy msgids (check them, then remove the flag): {fuzzy}"
    assert po.percent_translated() == 100
    for entry in _entries(po):
        if entry.msgid_plural:
            assert set(entry.msgstr_plural) == {0}, f"Indonesian has one plural form: {entry.msgid!r}"


def test_committed_mo_matches_the_po(po, tmp_path):
    assert MO_PATH.exists(), "locale/id/LC_MESSAGES/django.mo is missing: run compilemessages and commit it"
    fresh = tmp_path / "django.mo"
    po.save_as_mofile(str(fresh))
    expected = {_key(e) for e in polib.mofile(str(fresh))}
    committed = {_key(e) for e in polib.mofile(str(MO_PATH))}
    stale = expected - committed
    extra = committed - expected
    assert not stale and not extra, (
        "django.mo is out of date with django.po; run `python manage.py compilemessages -l id --ignore=.venv`.\n"
        f"Missing or changed in .mo: {sorted(k[1] for k in stale)[:10]}\n"
        f"Only in .mo: {sorted(k[1] for k in extra)[:10]}"
    )


def test_indonesian_is_active_and_english_stays_english():
    with translation.override("id"):
        assert translation.gettext("Log out") == "Keluar"
        assert translation.gettext("Home") == "Beranda"
    with translation.override("en"):
        assert translation.gettext("Log out") == "Log out"
        assert translation.gettext("Home") == "Home"


def test_default_language_is_indonesian():
    assert settings.LANGUAGE_CODE == "id"
    assert {"id", "en"} <= {code for code, _name in settings.LANGUAGES}


def test_translations_keep_the_placeholders(po):
    problems = []
    for entry in _entries(po):
        if entry.msgid_plural:
            # With a single plural form, msgstr[0] stands for every count, so it follows the plural msgid.
            pairs = [(entry.msgid_plural, value) for value in entry.msgstr_plural.values() if value]
        else:
            pairs = [(entry.msgid, entry.msgstr)] if entry.msgstr else []
        for source, translated in pairs:
            if _placeholders(source) != _placeholders(translated):
                problems.append(f"{source!r} -> {translated!r}")
    assert problems == [], "Placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_placeholder_regex_reads_the_formats_used_here():
    assert _placeholders("The file is %(size).1f MB; at most %(max)d MB") == ({"%(size).1f", "%(max)d"}, [], set())
    assert _placeholders("byte 0x%(byte)02X, 100%% sure, 50% done") == ({"%(byte)02X"}, [], set())
    assert _placeholders("%s of %d, {name} and {{ literal }}") == (set(), ["%s", "%d"], {"{name}"})
