from django.core.paginator import Paginator


def paginate(request, object_list, *, per_page=25):
    """The requested page of `object_list`; a missing or wrong page number gives the first or last page."""
    paginator = Paginator(object_list, per_page)
    return paginator.get_page(request.GET.get("page"))
