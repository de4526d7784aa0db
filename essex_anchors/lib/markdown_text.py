"""Markdown that people write (resource summaries) turned into HTML that is safe to show anyone.

The one rule for it: Python-Markdown renders the text, then nh3 (the Ammonia sanitiser) keeps only
the tags and attributes listed here. Other HTML in the text is dropped (a <script> or <style> with
its content; any other tag leaves its text), links keep only http, https and mailto addresses (a
`javascript:` link loses its href) and are marked nofollow, so a shared summary cannot carry script,
styles, forms, frames or images.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_SCHEMES = {"http", "https", "mailto"}


def markdown_to_html(text: str) -> SafeString:
    """`text` as Markdown, rendered and sanitised; headings start at level 3 (the page has h1 and h2)."""
    rendered = markdown.markdown(text or "", output_format="html")
    for level in (2, 1):  # "# Heading" and "## Heading" become h3 and h4; h5 and h6 are not kept
        rendered = rendered.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 above)
