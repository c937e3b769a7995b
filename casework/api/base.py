"""What every API resource shares: the view base, the documented error answers, the JSON 404."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import views
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from casework.api.pagination import ApiPagination
from casework.models import User


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


# With session authentication listed first, DRF answers 403 (not 401) to a request that is not signed in.
NOT_SIGNED_IN = {
    401: error_response('Not signed in or an invalid token: {"detail": "…"}.'),
    403: error_response(
        'Not signed in (no session, no "Authorization: Token <key>") or an invalid token: {"detail": "…"}.'
    ),
}
NOT_FOUND = error_response(
    'Missing, or not visible to you (the same answer): {"detail": "No … matches the given query."}.'
)


def list_responses(serializer: type[Serializer[Any]]) -> dict[int, Any]:
    return {
        200: serializer,
        400: error_response('A filter\'s value is invalid; each field named with its errors: {"due_before": ["…"]}.'),
        **NOT_SIGNED_IN,
        404: error_response('No such page: {"detail": "Invalid page."}.'),
    }


def detail_responses(serializer: type[Serializer[Any]]) -> dict[int, Any]:
    return {200: serializer, **NOT_SIGNED_IN, 404: NOT_FOUND}


# References and order numbers share this alphabet (casework.models.REFERENCE_VALIDATOR).
KEY_REGEX = r"[A-Za-z0-9][A-Za-z0-9._-]*"
AUTHORITY_CODE_REGEX = r"[A-Z0-9][A-Z0-9-]*"  # casework.models.CODE_VALIDATOR


class ApiView:
    """Mixed into every resource's view: the pagination, and the signed-in user."""

    pagination_class = ApiPagination

    @property
    def user(self) -> User:
        return cast(User, self.request.user)  # type: ignore[attr-defined]


class NotFoundView(views.APIView):
    """Any other path under /api/ (ending in a slash): a JSON 404, after authentication like the rest.

    Without it a malformed key (``/api/terms/1.5/``) would miss every route and get
    the site's HTML 404 page, which an API client cannot read.
    """

    schema = None  # not an operation of the API

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()
