"""The colour palette of static/css/main.css, with the WCAG contrast ratio of each pair we use.

The style guide shows these pairs; a test checks that the values match the CSS custom properties and that every
pair meets its threshold (4.5:1 for text, 3:1 for borders, focus rings and other non-text elements)."""

# (custom property, value, what it is for)
PALETTE = [
    ("--color-text", "#1f2328", "Texte courant"),
    ("--color-muted", "#565d66", "Texte secondaire, aides à la saisie"),
    ("--color-primary", "#0a5c63", "Liens, boutons principaux"),
    ("--color-primary-dark", "#073f44", "Survol des boutons, en-tête du tableau"),
    ("--color-visited", "#6d3b8f", "Liens déjà visités"),
    ("--color-border", "#6b7178", "Bordure des champs de saisie"),
    ("--color-focus", "#1f2328", "Contour de focus"),
    ("--color-bg", "#ffffff", "Fond de page"),
    ("--color-bg-alt", "#f3f5f6", "Fond des cartes, du pied de page"),
    ("--color-tag-bg", "#e3eff0", "Fond des étiquettes"),
    ("--color-info", "#1d5fa8", "Bordure des notes d'information"),
    ("--color-info-bg", "#e7f0fa", "Fond des notes d'information"),
    ("--color-success", "#1e6b34", "Bordure des confirmations"),
    ("--color-success-bg", "#e6f4ea", "Fond des confirmations"),
    ("--color-warning", "#8a4b00", "Bordure des avertissements"),
    ("--color-warning-bg", "#fff3dc", "Fond des avertissements"),
    ("--color-error", "#b3261e", "Erreurs, bouton de suppression"),
    ("--color-error-bg", "#fdecea", "Fond des erreurs"),
]

# (foreground property, background property, minimum ratio, where the pair appears)
PAIRS = [
    ("--color-text", "--color-bg", 4.5, "Texte sur fond blanc"),
    ("--color-text", "--color-bg-alt", 4.5, "Texte sur fond gris"),
    ("--color-muted", "--color-bg", 4.5, "Texte secondaire sur fond blanc"),
    ("--color-muted", "--color-bg-alt", 4.5, "Texte secondaire sur fond gris"),
    ("--color-primary", "--color-bg", 4.5, "Lien sur fond blanc"),
    ("--color-primary", "--color-bg-alt", 4.5, "Lien sur fond gris"),
    ("--color-visited", "--color-bg", 4.5, "Lien visité sur fond blanc"),
    ("--color-bg", "--color-primary", 4.5, "Texte d'un bouton principal"),
    ("--color-bg", "--color-primary-dark", 4.5, "Texte d'un bouton survolé"),
    ("--color-bg", "--color-error", 4.5, "Texte d'un bouton de suppression"),
    ("--color-primary-dark", "--color-tag-bg", 4.5, "Texte d'une étiquette"),
    ("--color-text", "--color-info-bg", 4.5, "Texte d'une note d'information"),
    ("--color-text", "--color-success-bg", 4.5, "Texte d'une confirmation"),
    ("--color-text", "--color-warning-bg", 4.5, "Texte d'un avertissement"),
    ("--color-text", "--color-error-bg", 4.5, "Texte d'une erreur"),
    ("--color-error", "--color-bg", 4.5, "Message d'erreur sous un champ"),
    ("--color-border", "--color-bg", 3.0, "Bordure d'un champ (élément d'interface)"),
    ("--color-focus", "--color-bg", 3.0, "Contour de focus sur fond blanc"),
    ("--color-focus", "--color-bg-alt", 3.0, "Contour de focus sur fond gris"),
]


def relative_luminance(hex_color):
    value = hex_color.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground, background):
    """WCAG 2 contrast ratio between two #rrggbb colours, from 1 to 21."""
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def contrast_table():
    """The pairs with their values and ratio, for the style guide."""
    values = {name: value for name, value, _ in PALETTE}
    return [
        {
            "foreground": values[fg],
            "background": values[bg],
            "foreground_name": fg,
            "background_name": bg,
            "ratio": contrast_ratio(values[fg], values[bg]),
            "minimum": minimum,
            "usage": usage,
        }
        for fg, bg, minimum, usage in PAIRS
    ]
