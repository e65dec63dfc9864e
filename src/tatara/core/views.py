from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tatara.core.dashboard import panels_for
from tatara.core.login_throttle import ThrottledAuthenticationForm


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "core/dashboard.html", {"panels": panels_for(request.user)})


@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True
