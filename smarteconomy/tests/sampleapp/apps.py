from django.apps import AppConfig


class SampleAppConfig(AppConfig):
    name = "smarteconomy.tests.sampleapp"
    label = "sampleapp"
