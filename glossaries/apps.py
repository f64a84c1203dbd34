from django.apps import AppConfig


class GlossariesConfig(AppConfig):
    name = "glossaries"
    verbose_name = "Glossaries"

    def ready(self) -> None:
        # Glossary imports are the app's large uploads; see server_uploads for why.
        from .server_uploads import install

        install()
