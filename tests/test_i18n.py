"""Chinese is the default language: every server message has a zh translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[1] / "inspector"


def test_every_translatable_server_message_has_a_chinese_translation():
    used = {message for _, _, message, _, _ in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")]) if isinstance(message, str)}
    with (PACKAGE / "translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    missing = sorted(m for m in used if not (catalog.get(m) and catalog.get(m).string))
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing)
