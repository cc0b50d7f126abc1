# Placeholder views, replaced by the accounts work in progress.
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse

login_view = login_not_required(auth_views.LoginView.as_view(template_name="accounts/login.html"))
logout_view = auth_views.LogoutView.as_view()


def profile(request):
    return HttpResponse("todo")


dashboard = organization_list = invitation_list = otp_setup = otp_verify = profile
