"""The main menu, built from the user's roles. Each module adds its entries here as it lands."""

from django.urls import reverse

from accounts.permissions import can_read_history, sees_whole_departement


def nav_items(request):
    user = request.user
    items = [("Accueil", reverse("core:home"))]
    if user.is_authenticated:
        items.append(("Tableau de bord", reverse("accounts:dashboard")))
        items.append(("Organisations", reverse("accounts:organization_list")))
        if sees_whole_departement(user):
            items.append(("Membres et invitations", reverse("accounts:invitation_list")))
        if can_read_history(user):
            items.append(("Historique", reverse("core:history")))
    path = request.path
    return [
        {"label": label, "url": url, "current": path == url or (url != "/" and path.startswith(url))}
        for label, url in items
    ]
