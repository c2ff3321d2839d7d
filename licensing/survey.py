"""The public link to the service satisfaction survey (SKM) of one application: signed with the project's secret
key (django.core.signing, its own salt), so it cannot be guessed from a registration number or altered to reach
another application; a tampered link is simply not found. The link of an application never changes (no timestamp in
the signature), so a link printed on a receipt or sent by message is the one the page shows later."""

from django.core import signing
from django.urls import reverse

from .choices import SURVEY_STATUSES

SALT = "licensing.survey"


def survey_token(application):
    return signing.Signer(salt=SALT).sign_object(application.pk)


def application_pk_of(token):
    """The application's pk in a survey link's token, or None when the token is not one the project signed."""
    # links handed out before the link became stable carried a timestamp: payload:timestamp:signature
    timestamped = token.count(":") == 2
    try:
        value = signing.loads(token, salt=SALT) if timestamped else signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return value if isinstance(value, int) else None


def survey_url(application, request=None):
    """The public survey link of a decided application (absolute when ``request`` is given), or "" before the
    decision."""
    if application.status not in SURVEY_STATUSES or application.decided_at is None:
        return ""
    path = reverse("licensing:survey", args=[survey_token(application)])
    return request.build_absolute_uri(path) if request is not None else path
