"""{{ value|duration_words }}: seconds or a timedelta in words (essex_anchors.lib.formatting.duration_words)."""

from django import template

from essex_anchors.lib.formatting import duration_words

register = template.Library()
register.filter("duration_words", duration_words)
