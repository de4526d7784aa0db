"""Helpers for tests of admin change pages: the form as a browser would send it, and the error summary at the top."""

import re
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The name and value of every field a browser would send with the page's main form (#<model>_form)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self._select, self._selected, self._textarea, self._text = None, [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected = name, []
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self._selected.append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            self.data += [(self._select, value) for value in self._selected]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.data.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_data(response, model_name: str, **changes) -> dict:
    """The change page's form as a browser would post it (with Save), with `changes` made to it."""
    reader = _FormReader(f"{model_name}_form")
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
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
