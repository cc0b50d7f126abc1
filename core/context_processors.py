from django.conf import settings

from core.navigation import nav_items


def platform(request):
    return {
        "platform_name": settings.PLATFORM_NAME,
        "platform_operator": settings.PLATFORM_OPERATOR,
        "platform_contact_email": settings.PLATFORM_CONTACT_EMAIL,
        "platform_contact_phone": settings.PLATFORM_CONTACT_PHONE,
        "nav_items": nav_items(request),
    }
