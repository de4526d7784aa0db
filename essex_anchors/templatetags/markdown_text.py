from django import template

from essex_anchors.lib.markdown_text import markdown_to_html

register = template.Library()


@register.filter
def markdown(text):
    """{{ resource.summary|markdown }}: Markdown rendered and sanitised (essex_anchors.lib.markdown_text)."""
    return markdown_to_html(text)
