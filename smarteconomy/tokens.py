"""API tokens stored hashed: the key is made and shown once (``api_token_create``), the database keeps its SHA-256
digest (a random 160-bit key needs no slow hash), and ``ApiTokenAuthentication`` finds the token by the digest of
the key a client sends in ``Authorization: Token <key>``, the header the API has always used."""

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken


def api_token_digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name=""):
    """A new token of ``user``: (the stored token, its key). The key is not kept anywhere: show it now or never."""
    key = secrets.token_hex(20)
    token = ApiToken(user=user, name=name, prefix=key[:8], digest=api_token_digest(key))
    token.full_clean()
    token.save()
    return token, key


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's token authentication over ApiToken: the same header, the digest looked up instead of the key."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
