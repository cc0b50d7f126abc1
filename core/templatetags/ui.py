"""Small template helpers for the shared includes: pagination links and form error summaries."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def url_with_page(context, page_number):
    """The current query string with `page` set to `page_number`, every other GET parameter kept.

    Usage: <a href="{% url_with_page 3 %}">. The `page` parameter is left out for page 1 so that the first page
    has one canonical address."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        return f"?page={page_number}"
    params.pop("page", None)
    if str(page_number) != "1":
        params["page"] = page_number
    query = params.urlencode()
    return f"?{query}" if query else "?"


@register.filter
def error_anchor(bound_field):
    """The id a link in the error summary should point to: the input itself, or the first option of a
    radio or checkbox group (the group's own id is on a non-focusable wrapper)."""
    if bound_field.use_fieldset:
        return f"{bound_field.auto_id}_0" if bound_field.auto_id else ""
    return bound_field.id_for_label or bound_field.auto_id or ""


@register.filter
def error_count(form):
    """How many messages the error summary lists: every field error and every non-field error."""
    if not form or not form.errors:
        return 0
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def marks_optional(bound_field):
    """True when the label should say "(facultatif)": the field is optional and the form has at least one
    required visible field. When every field is optional (filters, searches), nothing is marked."""
    if bound_field.field.required:
        return False
    return any(field.field.required for field in bound_field.form.visible_fields())


@register.filter
def has_required_fields(form):
    """True when the form has at least one required visible field (then the "(facultatif)" convention applies)."""
    return any(field.field.required for field in form.visible_fields())


@register.filter
def elided_pages(page):
    """Page numbers around the current one, with `Paginator.ELLIPSIS` for the gaps: 1 … 4 5 [6] 7 8 … 10."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def as_change(values):
    """One entry of a history row's `changes` as {"before": …, "after": …, "has_before": bool}.

    `core.history.diff()` writes [old, new]; a plain value is read as a new value with no "before"."""
    if isinstance(values, list | tuple) and len(values) == 2:
        before, after = values
        return {"before": _shown(before), "after": _shown(after), "has_before": True}
    return {"before": "", "after": _shown(values), "has_before": False}


def _shown(value):
    if value is None or value == "" or value == [] or value == {}:
        return "(vide)"
    if value is True:
        return "oui"
    if value is False:
        return "non"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
