"""Template filters for numbers written the British way: {% load british %} then |number, |money_short …"""

from django import template

from essex_anchors.lib import formatting

register = template.Library()

register.filter("number", formatting.number)
register.filter("number_smart", formatting.number_smart)
register.filter("money", formatting.money)
register.filter("money_short", formatting.money_short)
register.filter("money_whole", formatting.money_whole)
register.filter("percent", formatting.percent)
