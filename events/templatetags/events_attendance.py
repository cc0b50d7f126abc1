"""`{% check_in_qr registration %}`: the registration's QR code (inline SVG) that the host scans on arrival."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.emails import absolute_url
from events import attendance, documents

register = template.Library()


@register.simple_tag
def check_in_qr(registration):
    svg = documents.qr_svg(absolute_url(attendance.check_in_path(registration)))
    return format_html(
        '<div class="events-qr" role="img" aria-label="Code QR à montrer à l\'accueil">{}</div>', mark_safe(svg)
    )
