"""Every message a member or officer can meet has Indonesian (API.md: errors come
in the request's language; the pages speak Indonesian by default).

The portal's own messages are read the way `make makemessages` reads them, from a
copy of the source, and each is looked up in the catalogues the running portal
uses: a string added to the code or a template without its Indonesian fails here,
not in front of a member. DRF's messages (field errors, authentication, methods)
are checked too: its own Indonesian catalogue translates only some of them, and
locale/drf holds the rest.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import rest_framework
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parent.parent
# What makemessages must not read: no member sees the tests, the demo data's
# generator, the environment or the run-time files.
SKIP = {".venv", ".git", "tests", "var", "media", "node_modules", "__pycache__"}


def _untranslated(entries) -> list[str]:
    """Entries no Indonesian catalogue of the running portal holds. Looked up in
    the merged catalogue Django translates with, not compared with the text: many
    words are the same in both languages (KPJ, Email, Status, Bank)."""
    catalogue = trans_real.translation("id")._catalog
    missing = []
    for entry in entries:
        key = (entry.msgid, 0) if entry.msgid_plural else entry.msgid
        if entry.msgctxt:
            key = f"{entry.msgctxt}\x04{entry.msgid}"
        if key not in catalogue:
            where = ", ".join(f"{f}:{n}" for f, n in entry.occurrences[:2])
            missing.append(f"{entry.msgid!r} ({where})")
    return missing


def test_every_message_of_the_portal_has_indonesian(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda _dir, names: [n for n in names if n in SKIP],
        symlinks=True,
    )
    # Extract afresh into empty catalogues: what the code asks for, not what the
    # committed catalogues happen to hold.
    for po in copy.glob("**/locale/**/django.po"):
        po.unlink()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id", "-i", "static"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    entries = [
        entry
        for po in copy.glob("**/locale/id/LC_MESSAGES/django.po")
        for entry in polib.pofile(str(po))
    ]
    assert len(entries) > 800, "makemessages found too few messages"
    missing = _untranslated(entries)
    assert missing == [], "\n".join(missing)


def test_every_message_of_drf_has_indonesian():
    catalogue = Path(rest_framework.__file__).parent / "locale/en/LC_MESSAGES/django.mo"
    with catalogue.open("rb") as f:
        msgids = [m for m in gettext.GNUTranslations(f)._catalog if m]
    entries = [polib.POEntry(msgid=m) for m in msgids]
    assert len(entries) > 100
    missing = _untranslated(entries)
    assert missing == [], "\n".join(missing)
