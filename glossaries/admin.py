"""Admin for glossaries and their terms, scoped to the accounts a staff user manages.

Owners and admins who are staff see and edit only their accounts' glossaries (lists,
foreign-key choices, object URLs, filters, imports and exports); superusers see all.
Terms are imported and exported as CSV or XLSX from the vocabulary and dictionary lists.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.forms import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from accounts.admin_scoping import AccountScopedAdminMixin

from . import services
from .formats import FORMATS
from .forms import GlossaryForm
from .models import MAX_TERMS_PER_GLOSSARY, DictionaryEntry, Glossary, VocabularyTerm
from .offload import off_the_shared_thread
from .resources import DictionaryEntryResource, VocabularyTermResource
from .uploads import UploadError

logger = logging.getLogger(__name__)

# The field that is unique, ignoring case, within a glossary.
KEY_FIELDS = {VocabularyTerm: "term", DictionaryEntry: "source"}
# Form fields one inline row posts: id, glossary, DELETE and its own columns.
POSTED_FIELDS_PER_ROW = {VocabularyTerm: 4, DictionaryEntry: 6}
# The glossary's own fields, the formsets' management fields and the CSRF token, with room.
POSTED_FIELDS_BESIDES_ROWS = 50


def fits_in_one_post(glossary: Glossary) -> bool:
    """Whether the change form, with every term as an inline row, stays under Django's
    DATA_UPLOAD_MAX_NUMBER_FIELDS; a larger glossary's terms are shown read-only and
    edited by import or on the glossary's pages instead of failing with a 400.

    ``glossary`` carries the counts of ``services.with_term_counts``.
    """
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    needed = (
        POSTED_FIELDS_BESIDES_ROWS
        + glossary.vocabulary_count * POSTED_FIELDS_PER_ROW[VocabularyTerm]
        + glossary.dictionary_count * POSTED_FIELDS_PER_ROW[DictionaryEntry]
    )
    return limit is None or needed <= limit


class CaseInsensitiveKeyFormSet(BaseInlineFormSet):
    """Reject two rows whose key differs only in case, as the unique constraints do.

    Row forms can't see each other, so without this a repeat would reach the database
    and fail there.
    """

    def clean(self) -> None:
        super().clean()
        key_field = KEY_FIELDS[self.model]
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            value = data.get(key_field)
            if not value or data.get("DELETE"):
                continue
            if value.lower() in seen:
                form.add_error(key_field, "Appears more than once in this glossary.")
            seen.add(value.lower())


class TermsInline(admin.TabularInline):
    """Terms inside a glossary's change form, editable by whoever may change the glossary."""

    extra = 0
    max_num = MAX_TERMS_PER_GLOSSARY
    validate_max = True
    formset = CaseInsensitiveKeyFormSet

    def _glossary_admin(self) -> GlossaryAdmin:
        return self.admin_site.get_model_admin(Glossary)

    def _editable(self, request, obj) -> bool:
        return self._glossary_admin().has_change_permission(request, obj) and (
            obj is None or fits_in_one_post(obj)
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return self._glossary_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)


class VocabularyTermInline(TermsInline):
    model = VocabularyTerm
    fields = ["term"]


class DictionaryEntryInline(TermsInline):
    model = DictionaryEntry
    fields = ["source", "target", "note"]


@admin.register(Glossary)
class GlossaryAdmin(AccountScopedAdminMixin, admin.ModelAdmin):
    form = GlossaryForm
    fields = ["account", "name", "source_language", "target_language", "description", "is_default"]
    list_display = [
        "name",
        "account",
        "source_language",
        "target_language",
        "is_default",
        "vocabulary_count",
        "dictionary_count",
        "updated_at",
    ]
    # RelatedOnly: a plain account filter would list every account's name to scoped staff.
    list_filter = [
        ("account", admin.RelatedOnlyFieldListFilter),
        "is_default",
        "source_language",
        "target_language",
    ]
    list_select_related = ["account"]
    search_fields = ["name", "description", "account__name"]
    inlines = [VocabularyTermInline, DictionaryEntryInline]

    def get_queryset(self, request):
        return services.with_term_counts(super().get_queryset(request))

    @admin.display(description="Vocabulary", ordering="vocabulary_count")
    def vocabulary_count(self, obj: Glossary) -> int:
        return obj.vocabulary_count

    @admin.display(description="Dictionary", ordering="dictionary_count")
    def dictionary_count(self, obj: Glossary) -> int:
        return obj.dictionary_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        glossary = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and glossary is not None and not fits_in_one_post(glossary):
            messages.info(
                request,
                "This glossary has too many terms to edit here; they are shown read-only. "
                "Use the vocabulary and dictionary imports, or the glossary’s own pages.",
            )
        return response

    def get_changeform_initial_data(self, request) -> dict:
        """A new glossary is for the user's account when they manage exactly one."""
        initial = super().get_changeform_initial_data(request)
        managed = list(self.managed_accounts(request).values_list("pk", flat=True)[:2])
        if len(managed) == 1:
            initial.setdefault("account", managed[0])
        return initial

    def save_model(self, request, obj, form, change) -> None:
        # Moves the default flag from the pair's previous default, which the form allowed.
        services.save_glossary(obj)


PREVIEW_STYLES = {"all": ["glossaries/import-preview.css"]}


class GlossaryImportForm(ImportForm):
    class Media:
        css = PREVIEW_STYLES


class GlossaryConfirmImportForm(ConfirmImportForm):
    class Media:
        css = PREVIEW_STYLES


class GlossaryRowsAdmin(AccountScopedAdminMixin, ImportExportMixin, admin.ModelAdmin):
    """Vocabulary terms or dictionary entries across glossaries, with import and export."""

    account_path = "glossary__account"
    # Their media carry the stylesheet that colours the preview's changes (no inline styles).
    import_form_class = GlossaryImportForm
    confirm_form_class = GlossaryConfirmImportForm
    import_formats = FORMATS
    export_formats = FORMATS
    list_select_related = ["glossary", "glossary__account"]
    list_filter = [("glossary", admin.RelatedOnlyFieldListFilter)]

    def writable_glossaries(self, request):
        """The glossaries ``request.user`` may put terms into."""
        if request.user.is_superuser:
            return Glossary.objects.all()
        return Glossary.objects.filter(account__in=self.managed_accounts(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "glossary":
            kwargs["queryset"] = self.writable_glossaries(request).select_related("account")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_resource_kwargs(self, request, *args, **kwargs) -> dict:
        return {
            **super().get_resource_kwargs(request, *args, **kwargs),
            "glossaries": self.writable_glossaries(request),
        }

    def get_import_data_kwargs(self, **kwargs) -> dict:
        # Never keep the good rows of a file with a bad one.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_urls(self):
        """import-export's URLs, with its two import views run off the shared sync thread."""
        slow = {"import_action": self.import_action, "process_import": self.process_import}
        urls = super().get_urls()
        for pattern in urls:
            name = getattr(pattern.callback, "__name__", "")
            if name in slow:
                pattern.callback = off_the_shared_thread(self.admin_site.admin_view(slow[name]))
        return urls

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        """Say what is wrong with the file in words, not with a parser's exception name."""
        if not isinstance(e, UploadError):
            logger.warning("An uploaded glossary file could not be read", exc_info=e)
            e = UploadError("This file can't be read. Choose the format it was saved in.")
        form.add_error("import_file", str(e))

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def process_result(self, result, request):
        """After confirming: report a file that went bad since its preview (all rolled back)."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: some rows are no longer valid (the glossaries changed "
                "since the preview). Import the file again to see which.",
            )
            info = (self.opts.app_label, self.opts.model_name)
            return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))
        return super().process_result(result, request)


@admin.register(VocabularyTerm)
class VocabularyTermAdmin(GlossaryRowsAdmin):
    resource_classes = [VocabularyTermResource]
    list_display = ["term", "glossary", "created_at"]
    search_fields = ["term", "glossary__name"]
    fields = ["glossary", "term"]


@admin.register(DictionaryEntry)
class DictionaryEntryAdmin(GlossaryRowsAdmin):
    resource_classes = [DictionaryEntryResource]
    list_display = ["source", "target", "note", "glossary", "created_at"]
    search_fields = ["source", "target", "note", "glossary__name"]
    fields = ["glossary", "source", "target", "note"]
