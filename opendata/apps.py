from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data portal")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import registry, views

        registry.autodiscover()
        # A published or withdrawn edition reaches the public at once (views.public_cache).
        for signal in (post_save, post_delete):
            signal.connect(views.invalidate, sender="analytics.ScorecardEdition", dispatch_uid=f"opendata-{signal}")
