from django import template

from places import opening_hours

register = template.Library()


@register.inclusion_tag("places/includes/opening_hours.html")
def opening_hours_block(hours, when=None, caption="Horaires d'ouverture"):
    """The weekly table and the « open now » line:
    `{% load place_hours %}{% opening_hours_block place.opening_hours %}`."""
    return {
        "days": opening_hours.weekly_table(hours, when=when),
        "status": opening_hours.status_at(hours, when) if hours else None,
        "closed_on_holidays": opening_hours.closed_on_public_holidays(hours),
        "caption": caption,
    }
