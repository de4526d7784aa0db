"""The repository stands alone: its docs are its own, every path it names is inside it, and the real
files the tests use say where they come from."""

import re
import subprocess
from pathlib import Path

from django.urls import URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["docs/README.md", "docs/overview.md", "docs/roles.md", "docs/pages.md", "docs/data.md"]
# Places outside the repository where a development machine keeps things: the shared folder beside the
# checkout, its seed folder, its design document, and the machine's work folder. Spelled in pieces, so
# that this file names none of them either: the test reads every tracked file, this one included.
_SHARED = "shar" + "ed"
OUTSIDE = re.compile(
    "|".join(
        [
            re.escape(".." + "/" + _SHARED),
            rf"\b{_SHARED}/seed\b",
            re.escape("/" + "wo" + "rk" + "/"),
            r"\bDESI" + r"GN\.md\b",
        ]
    )
)
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _tracked_text_files():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, listed.stdout.split("\0")):
        path = ROOT / name
        if not path.is_file():
            continue  # deleted in the working tree, not yet committed
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: a zip file, an image


def test_no_tracked_file_names_a_path_outside_the_repository():
    found = [
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group()}"
        for name, text in _tracked_text_files()
        for match in OUTSIDE.finditer(text)
    ]
    assert found == []


def test_every_relative_link_in_the_markdown_files_leads_to_a_file_in_the_repository():
    broken = []
    for name, text in _tracked_text_files():
        if not name.endswith(".md"):
            continue
        for target in MARKDOWN_LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue  # a web address or mailto:
            resolved = ((ROOT / name).parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{name}: {target}")
    assert broken == []


def test_the_readme_links_each_document():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in DOCS:
        assert f"]({doc})" in readme, doc


def test_every_real_data_file_has_its_source_and_licence_in_the_readme():
    folder = ROOT / "tests" / "data" / "real"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 4:
            rows[cells[0].strip("`")] = cells
    files = sorted(path.name for path in folder.iterdir() if path.name != "README.md")
    assert files and sorted(rows) == files
    for name, (_, what, source, licence) in rows.items():
        assert what and licence, name
        # Where it was published, down to the commit of the repository it was copied from.
        assert re.search(r"\bcommit `[0-9a-f]{40}`", source), name


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                yield "/admin/…"
                continue
            yield from _routes(pattern, route)
        else:
            yield "/" + route


def test_the_page_map_lists_every_url_of_the_portal():
    page_map = (ROOT / "docs" / "pages.md").read_text(encoding="utf-8")
    # As the page map writes them: /pledges/<id>/ for <int:pk>, /levers/<slug>/ for <slug:slug>.
    shown = [re.sub(r"<(\w+):(\w+)>", r"<\2>", route.replace("<int:pk>", "<id>")) for route in _routes()]
    missing = [route for route in shown if f"`{route}`" not in page_map]
    assert shown and missing == []
