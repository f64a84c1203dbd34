"""Import and export of vocabulary terms and dictionary entries (django-import-export).

A file's rows name their glossary by id or by name. A resource is built with the
glossaries its user may write to (the admin passes those of the accounts they manage), so
a row naming any other glossary is an error row, exactly like a glossary that does not
exist. Every row is checked as the pages check pasted text: Krisp's entry rules, no
repeats ignoring case, and at most MAX_TERMS_PER_GLOSSARY per glossary. The admin only
imports a file none of whose rows is bad, in one transaction.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.safestring import mark_safe
from import_export import fields, resources, widgets
from import_export.resources import Diff

from .models import MAX_TERMS_PER_GLOSSARY, DictionaryEntry, Glossary, VocabularyTerm
from .services import normalize_term


class DiffWithoutInlineStyles(Diff):
    """The preview's changes, marked with ``<ins>`` and ``<del>`` only.

    diff-match-patch colours them with inline ``style`` attributes, which the site's
    Content-Security-Policy refuses; ``static/glossaries/import-preview.css`` colours them.
    """

    def as_html(self) -> list[str]:
        return [mark_safe(INLINE_STYLE.sub("", html)) for html in super().as_html()]


INLINE_STYLE = re.compile(r'\sstyle="[^"]*"')


class GlossaryWidget(widgets.ForeignKeyWidget):
    """Finds a row's glossary by id or name among ``glossaries``; exports its name."""

    def __init__(self) -> None:
        super().__init__(Glossary, field="name")
        self.glossaries: QuerySet[Glossary] = Glossary.objects.none()
        self._found: dict[str, Glossary] = {}

    def clean(self, value, row=None, **kwargs) -> Glossary:
        if isinstance(value, float) and value.is_integer():  # a spreadsheet's number cell
            value = int(value)
        text = "" if value is None else str(value).strip()
        if not text:
            raise ValueError("Name the glossary, by its name or its id.")
        if text not in self._found:
            self._found[text] = self._lookup(text)
        return self._found[text]

    def _lookup(self, text: str) -> Glossary:
        if text.isdigit():
            by_id = self.glossaries.filter(pk=int(text)).first()
            if by_id is not None:
                return by_id
        by_name = list(self.glossaries.filter(name__iexact=text)[:2])
        if len(by_name) == 1:
            return by_name[0]
        if by_name:
            raise ValueError(f"Several glossaries you manage are named “{text}”: use its id.")
        raise ValueError(f"No glossary “{text}” in the accounts you manage.")


class GlossaryRowsResource(resources.ModelResource):
    """What vocabulary and dictionary imports share: scoping, matching and the limits.

    ``key_field`` is the column that identifies a row within its glossary (the term, or
    a dictionary entry's source); a row whose key the glossary already has, ignoring
    case, updates that row instead of adding one.
    """

    key_field: str
    text_fields: tuple[str, ...]
    kind: str

    glossary = fields.Field(attribute="glossary", column_name="glossary", widget=GlossaryWidget())

    def __init__(self, glossaries: QuerySet[Glossary] | None = None, **kwargs) -> None:
        # Without ``glossaries`` nothing is importable: the safe default for a resource
        # built without a user, as the export form does to list its columns.
        super().__init__(**kwargs)
        self.glossaries = Glossary.objects.none() if glossaries is None else glossaries
        self.fields["glossary"].widget.glossaries = self.glossaries
        self._first_row_of: dict[tuple[int, str], int] = {}
        self._size_of: dict[int, int] = {}
        self._existing: dict[int, dict[str, Model]] = {}

    def get_queryset(self) -> QuerySet:
        return self._meta.model.objects.filter(glossary__in=self.glossaries)

    def get_diff_class(self) -> type[Diff]:
        return DiffWithoutInlineStyles

    def before_import_row(self, row, **kwargs) -> None:
        """Trim and collapse whitespace in terms, as the pages do."""
        for name in self.text_fields:
            if isinstance(row.get(name), str):
                row[name] = normalize_term(row[name])

    def get_instance(self, instance_loader, row) -> Model | None:
        """The existing row with this key, ignoring case as the unique constraint does.

        A glossary's rows are read once, on its first row in the file, rather than one
        query per row. A row whose glossary can't be found is treated as new;
        ``import_instance`` then reports the glossary as that row's error.
        """
        try:
            glossary = self.fields["glossary"].clean(row)
        except ValueError:
            return None
        key = row.get(self.key_field)
        if not isinstance(key, str) or not key:
            return None
        if glossary.pk not in self._existing:
            rows = self.get_queryset().filter(glossary=glossary)
            self._existing[glossary.pk] = {getattr(r, self.key_field).lower(): r for r in rows}
        return self._existing[glossary.pk].get(key.lower())

    def import_instance(self, instance, row, **kwargs) -> None:
        """Fill ``instance`` from ``row``, adding an error if the file repeats its key."""
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        key = getattr(instance, self.key_field)
        if instance.glossary_id is not None and key and self.key_field not in errors:
            first = self._first_row_of.setdefault(
                (instance.glossary_id, key.lower()), kwargs["row_number"]
            )
            if first != kwargs["row_number"]:
                errors[self.key_field] = [f"“{key}” repeats row {first} of this file."]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Krisp's rules (the model's validators), then the per-glossary limit for a new row.

        Uniqueness is settled before this, without a query per row: ``get_instance``
        matches a key the glossary has (ignoring case) and ``import_instance`` refuses a
        key the file repeats; the database's constraint still guards the save.
        """
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=errors.keys(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        if instance.pk is not None:
            return
        glossary = instance.glossary
        if glossary.pk not in self._size_of:
            # Taken before this import saved anything into the glossary.
            self._size_of[glossary.pk] = self._meta.model.objects.filter(glossary=glossary).count()
        if self._size_of[glossary.pk] >= MAX_TERMS_PER_GLOSSARY:
            raise ValidationError(
                {
                    "glossary": f"“{glossary.name}” would hold more than "
                    f"{MAX_TERMS_PER_GLOSSARY} {self.kind}, the most a glossary may hold."
                }
            )
        self._size_of[glossary.pk] += 1


class VocabularyTermResource(GlossaryRowsResource):
    key_field = "term"
    text_fields = ("term",)
    kind = "vocabulary terms"

    class Meta:
        model = VocabularyTerm
        name = "Vocabulary terms (glossary, term)"
        fields = ("glossary", "term")
        import_id_fields = ("glossary", "term")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True


class DictionaryEntryResource(GlossaryRowsResource):
    key_field = "source"
    text_fields = ("source", "target")
    kind = "dictionary entries"

    class Meta:
        model = DictionaryEntry
        name = "Dictionary entries (glossary, source, target, note)"
        fields = ("glossary", "source", "target", "note")
        import_id_fields = ("glossary", "source")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
