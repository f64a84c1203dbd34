from django.apps import AppConfig


class InterpreterConfig(AppConfig):
    name = "interpreter"
    verbose_name = "Interpreter"
