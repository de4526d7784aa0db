"""Helpers for tests of admin change pages: the form as a browser would send it, and the error summary at the top."""

import re
from html.parser import HTMLParser


class _Forms(HTMLParser):
    """Each <form>'s method, action, id and the fields a browser would send with it (a select with no option
    chosen sends its first, as a browser does), with every field name in it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current = [], None
        self._select, self._selected, self._first, self._textarea, self._text = None, [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "id": attrs.get("id") or "",
                "fields": [],
                "names": set(),
            }
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = attrs.get("name")
        if name and tag in ("input", "select", "textarea"):
            self.current["names"].add(name)
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.current["fields"].append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first = name, [], None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            if self._first is None:
                self._first = attrs.get("value", "")
            if "selected" in attrs:
                self._selected.append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self._select is not None:
            chosen = self._selected or ([] if self._multiple or self._first is None else [self._first])
            self.current["fields"] += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.current["fields"].append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def page_forms(response) -> list[dict]:
    """Every form of the page: {"method", "action", "id", "fields": [(name, value)] as a browser sends them, "names"}."""
    reader = _Forms()
    reader.feed(response.content.decode())
    return reader.forms


def form_data(response, model_name: str, **changes) -> dict:
    """The change page's form as a browser would post it (with Save), with `changes` made to it."""
    [form] = [form for form in page_forms(response) if form["id"] == f"{model_name}_form"]
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    data.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    data["_save"] = ["Save"]
    return data


SUMMARY = re.compile(r'<div class="errornote admin-error-summary" role="alert".*?</div>', re.S)
LINK = re.compile(r'<li><a href="#([^"]+)">(.*?)</a></li>', re.S)


def error_summary(response) -> list[tuple[str, str]]:
    """(text, id linked to) of each error in the summary at the top of an admin page; [] when there is none."""
    found = SUMMARY.search(response.content.decode())
    if not found:
        return []
    return [(" ".join(text.split()), anchor) for anchor, text in LINK.findall(found.group())]


def has_element_with_id(response, element_id: str) -> bool:
    return f'id="{element_id}"' in response.content.decode()
