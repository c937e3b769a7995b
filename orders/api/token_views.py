"""/accounts/api-token/: see whether you have an API token, create or replace it, revoke it.

A new key is shown once, in the answer to the POST that created it (with
``Cache-Control: no-store``); afterwards the page shows only its last characters.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from casework.models import User
from orders.api.tokens import api_token_create, api_token_revoke


class TokenActionForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[("create", gettext_lazy("Create a token")), ("revoke", gettext_lazy("Revoke the token"))],
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    new_key = None
    if request.method == "POST":
        form = TokenActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose to create or to revoke the token."))
            return redirect("orders:api_token")
        if form.cleaned_data["action"] == "create":
            new_key = api_token_create(user=user).key
            # Rendered, not redirected: the key is shown in this answer only.
            messages.success(request, _("Your new API token is below. Copy it now: it will not be shown again."))
        else:
            if api_token_revoke(user=user):
                messages.success(request, _("Your API token was revoked: it no longer works."))
            else:
                messages.info(request, _("You had no API token."))
            return redirect("orders:api_token")
    token = Token.objects.filter(user=user).first()
    return render(
        request,
        "orders/api_token.html",
        {"token": token, "new_key": new_key, "key_end": token.key[-4:] if token else ""},
    )
