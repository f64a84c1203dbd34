from django.apps import AppConfig


class GlossariesConfig(AppConfig):
    name = "glossaries"
    verbose_name = "Glossaries"
