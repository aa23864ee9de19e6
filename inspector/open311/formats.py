"""GeoReport v2 bodies in JSON and XML, its error shape, and the language of names.

One value renders both ways: JSON as is; XML with the spec's element names, where a list is
wrapped in its plural element and each item in the singular (`<services><service>...`). The XML
is built with ElementTree, which escapes text; characters XML 1.0 cannot carry at all (most
control characters) are dropped first, so a description typed with a stray \\x0b still gives a
document every parser reads.
"""

import json
import re
import xml.etree.ElementTree as ET

from flask import Response, request
from flask_babel import get_locale

FORMATS = ("json", "xml")
MIMETYPES = {"json": "application/json", "xml": "text/xml"}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# The element of one item in each list the spec defines.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An error in the spec's shape: the HTTP status doubles as the error's `code`."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = descriptions or ("error",)


def language() -> str:
    """English ("en") when the caller asks (locale=en_US, Accept-Language: en), else Chinese."""
    asked = request.args.get("locale") or request.form.get("locale") or str(get_locale())
    return "en" if asked.lower().startswith("en") else "zh"


def localized(zh: str | None, en: str | None, lang: str) -> str | None:
    return (en or zh) if lang == "en" else zh


def render(fmt: str, root: str, value, status: int = 200) -> Response:
    """`value` as JSON, or as XML under the element `root`."""
    if fmt == "xml":
        element = ET.Element(root)
        _fill(element, value)
        body = XML_DECLARATION + ET.tostring(element, encoding="unicode")
    else:
        body = json.dumps(value, ensure_ascii=False)
    return Response(body, status, mimetype=MIMETYPES.get(fmt, MIMETYPES["json"]))


def render_error(fmt: str, error: Open311Error) -> Response:
    errors = [{"code": error.status, "description": text} for text in error.descriptions]
    return render(fmt, "errors", errors, error.status)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = ITEM_TAGS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, tag), child)
    elif value is not None:
        element.text = xml_text(value)


def xml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_IN_XML.sub("", str(value))
