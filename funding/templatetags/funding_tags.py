from django import template

from funding.services import euros as format_euros

register = template.Library()


@register.filter
def euros(amount):
    """« 12 345,67 € »; « — » when there is no amount."""
    if amount is None or amount == "":
        return "—"
    return format_euros(amount)


@register.filter
def leverage(value):
    """A leverage ratio: « 1,50 € obtenus par euro du fonds »; « — » when not defined."""
    if value is None:
        return "—"
    return f"{value:.2f}".replace(".", ",") + " € par euro du fonds"
