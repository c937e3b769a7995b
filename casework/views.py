"""Placeholder replaced by the investigation pages."""

from django.http import HttpRequest, HttpResponse


def investigation_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
