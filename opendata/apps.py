from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data portal")

    def ready(self):
        from . import registry, views

        registry.autodiscover()
        # A published or withdrawn edition reaches the public at once (views.public_cache).
        views.PUBLIC.connect("analytics.ScorecardEdition")
