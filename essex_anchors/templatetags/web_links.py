"""{{ value|web_link }}: a stored link, only when it is a web address (essex_anchors.lib.web_links.web_link)."""

from django import template

from essex_anchors.lib.web_links import web_link

register = template.Library()
register.filter("web_link", web_link)
