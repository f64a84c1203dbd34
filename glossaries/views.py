"""Glossary pages: the current account's glossaries, one glossary's terms, and their editors.

Who may do what, in the current account only (``request.account``):
- every member sees the account's glossaries, read-only;
- owners and admins create, edit, bulk-edit, duplicate and delete them; a plain member
  asking for a write page gets 403 (the glossary is theirs to see, so its existence is
  no secret);
- another account's glossary answers 404, never 403, so its id reveals nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Account

from . import services, transfer
from .forms import DictionaryPasteForm, GlossaryForm, ImportForm, PasteForm, VocabularyPasteForm
from .languages import Offer, offered
from .models import MAX_TERMS_PER_GLOSSARY, Glossary
from .offload import off_the_shared_thread
from .uploads import UploadError, max_upload_bytes


def _account(request: HttpRequest) -> Account | None:
    """The current account, or None (``request.account`` is a lazy object)."""
    return request.account or None


def _can_manage(request: HttpRequest) -> bool:
    account = _account(request)
    return account is not None and account.is_manager(request.user)


def _require_manager(request: HttpRequest) -> None:
    if not _can_manage(request):
        raise PermissionDenied("Only the account’s owners and admins can change glossaries.")


def _glossary_or_404(request: HttpRequest, glossary_id: int) -> Glossary:
    """A glossary of the current account; any other id is 404."""
    account = _account(request)
    if account is None:
        raise Http404("No current account.")
    return get_object_or_404(Glossary.objects.for_account(account), pk=glossary_id)


def _with_offer(glossary: Glossary, offer: Offer) -> Glossary:
    """Attach what the page says about the glossary's languages: names, and why the
    service can't be used for its pair (``unavailable``), if it can't."""
    glossary.source_label = offer.label(glossary.source_language)
    glossary.target_label = offer.label(glossary.target_language)
    glossary.unavailable = offer.pair_problem(glossary.source_language, glossary.target_language)
    return glossary


@login_required
@require_GET
def glossary_list(request: HttpRequest) -> HttpResponse:
    account = _account(request)
    glossaries = (
        services.with_term_counts(Glossary.objects.for_account(account))
        if account is not None
        else Glossary.objects.none()
    )
    offer = offered()
    return render(
        request,
        "glossaries/list.html",
        {
            "glossaries": [_with_offer(glossary, offer) for glossary in glossaries],
            "offer_error": offer.error,
            "can_manage": _can_manage(request),
        },
    )


@login_required
@require_GET
def glossary_detail(request: HttpRequest, glossary_id: int) -> HttpResponse:
    glossary = _glossary_or_404(request, glossary_id)
    offer = offered()
    return render(
        request,
        "glossaries/detail.html",
        {
            "glossary": _with_offer(glossary, offer),
            "offer_error": offer.error,
            "vocabulary": glossary.vocabulary.all(),
            "dictionary": glossary.dictionary.all(),
            "can_manage": _can_manage(request),
            "max_terms": MAX_TERMS_PER_GLOSSARY,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def glossary_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = GlossaryForm(request.POST or None, instance=Glossary(account=_account(request)))
    if form.is_valid():
        glossary = services.save_glossary(form.instance)
        messages.success(request, f"Created “{glossary.name}”. Now add its terms.")
        return redirect("glossary_detail", glossary_id=glossary.pk)
    return render(request, "glossaries/form.html", {"form": form, "glossary": None})


@login_required
@require_http_methods(["GET", "POST"])
def glossary_edit(request: HttpRequest, glossary_id: int) -> HttpResponse:
    glossary = _glossary_or_404(request, glossary_id)
    _require_manager(request)
    # The form edits a copy, so a rejected name never shows up as the page's title.
    form = GlossaryForm(request.POST or None, instance=copy(glossary))
    if form.is_valid():
        services.save_glossary(form.instance)
        messages.success(request, "Glossary saved.")
        return redirect("glossary_detail", glossary_id=glossary.pk)
    return render(request, "glossaries/form.html", {"form": form, "glossary": glossary})


@dataclass(frozen=True)
class _Editor:
    """How one kind of term list is shown as text, parsed back and saved."""

    form_class: type[PasteForm]
    as_text: Callable[[Glossary], str]
    replace: Callable[[Glossary, list], None]
    units: tuple[str, str]  # what one line is called, and several


EDITORS = {
    "vocabulary": _Editor(
        VocabularyPasteForm,
        services.vocabulary_text,
        services.replace_vocabulary,
        ("term", "terms"),
    ),
    "dictionary": _Editor(
        DictionaryPasteForm,
        services.dictionary_text,
        services.replace_dictionary,
        ("entry", "entries"),
    ),
}


def _bulk_edit(request: HttpRequest, glossary_id: int, kind: str) -> HttpResponse:
    """Show the glossary's terms as text; on a paste with no bad line, replace them all."""
    glossary = _glossary_or_404(request, glossary_id)
    _require_manager(request)
    editor = EDITORS[kind]
    if request.method == "POST":
        form = editor.form_class(request.POST)
        if form.is_valid():
            editor.replace(glossary, form.parsed)
            count = len(form.parsed)
            unit = editor.units[count != 1]
            messages.success(request, f"Saved the {kind}: {count} {unit}.")
            return redirect("glossary_detail", glossary_id=glossary.pk)
    else:
        form = editor.form_class(initial={"text": editor.as_text(glossary)})
    return render(
        request,
        "glossaries/bulk_edit.html",
        {"glossary": glossary, "form": form, "kind": kind, "max_terms": MAX_TERMS_PER_GLOSSARY},
    )


@login_required
@require_http_methods(["GET", "POST"])
def glossary_vocabulary(request: HttpRequest, glossary_id: int) -> HttpResponse:
    return _bulk_edit(request, glossary_id, "vocabulary")


@login_required
@require_http_methods(["GET", "POST"])
def glossary_dictionary(request: HttpRequest, glossary_id: int) -> HttpResponse:
    return _bulk_edit(request, glossary_id, "dictionary")


IMPORT_CACHE_SECONDS = 3600


def _pending_key(glossary: Glossary) -> str:
    return f"glossary-import-{glossary.pk}"


@off_the_shared_thread
@login_required
@require_http_methods(["GET", "POST"])
def glossary_import(request: HttpRequest, glossary_id: int) -> HttpResponse:
    """Upload a file, see what it would do (every row, or every bad row), then confirm.

    The checked file waits in the cache (shared by every worker) under a random key kept
    in the user's session, so the confirmation saves exactly what was previewed.
    """
    glossary = _glossary_or_404(request, glossary_id)
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"glossary": glossary, "form": form, "max_terms": MAX_TERMS_PER_GLOSSARY}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            file_format = transfer.format_of(upload.name)
            data = upload.read(max_upload_bytes() + 1)
            outcome = transfer.run_import(glossary, kind, file_format, data, save=False)
        except UploadError as exc:
            form.add_error("file", str(exc))
        else:
            context.update(outcome=outcome, kind=kind, file_name=upload.name)
            if outcome.ok:
                token = secrets.token_urlsafe(16)
                cache.set(
                    f"{_pending_key(glossary)}-{token}",
                    (kind, file_format, data),
                    IMPORT_CACHE_SECONDS,
                )
                request.session[_pending_key(glossary)] = token
    return render(request, "glossaries/import.html", context)


@off_the_shared_thread
@login_required
@require_POST
def glossary_import_confirm(request: HttpRequest, glossary_id: int) -> HttpResponse:
    """Save the previewed file, all or nothing."""
    glossary = _glossary_or_404(request, glossary_id)
    _require_manager(request)
    token = request.session.pop(_pending_key(glossary), None)
    pending = cache.get(f"{_pending_key(glossary)}-{token}") if token else None
    if pending is None:
        messages.error(request, "That preview has expired; upload the file again.")
        return redirect("glossary_import", glossary_id=glossary.pk)
    cache.delete(f"{_pending_key(glossary)}-{token}")
    kind, file_format, data = pending
    outcome = transfer.run_import(glossary, kind, file_format, data, save=True)
    if not outcome.ok:
        messages.error(
            request,
            "Nothing was imported: some rows are no longer valid (the glossary changed since "
            "the preview). Upload the file again to see which.",
        )
        return redirect("glossary_import", glossary_id=glossary.pk)
    count = len(outcome.rows)
    messages.success(request, f"Imported {count} row{'s' if count != 1 else ''} into the {kind}.")
    return redirect("glossary_detail", glossary_id=glossary.pk)


@login_required
@require_GET
def glossary_export(request: HttpRequest, glossary_id: int, kind: str, fmt: str) -> HttpResponse:
    """Download the vocabulary or dictionary as CSV or XLSX (every member may)."""
    glossary = _glossary_or_404(request, glossary_id)
    if kind not in transfer.KINDS or fmt not in transfer.FORMATS:
        raise Http404("No such export.")
    file_format = transfer.FORMATS[fmt]()
    response = HttpResponse(
        transfer.export(glossary, kind, fmt), content_type=file_format.get_content_type()
    )
    name = f"{slugify(glossary.name) or 'glossary'}-{kind}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_POST
def glossary_duplicate(request: HttpRequest, glossary_id: int) -> HttpResponse:
    glossary = _glossary_or_404(request, glossary_id)
    _require_manager(request)
    copy = services.duplicate_glossary(glossary)
    messages.success(request, f"Copied “{glossary.name}” to “{copy.name}”.")
    return redirect("glossary_detail", glossary_id=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def glossary_delete(request: HttpRequest, glossary_id: int) -> HttpResponse:
    """Confirm, then delete; saved sessions keep their snapshot of the glossary's terms."""
    glossary = _glossary_or_404(request, glossary_id)
    _require_manager(request)
    if request.method == "POST":
        glossary.delete()
        messages.success(request, f"Deleted “{glossary.name}”.")
        return redirect("glossary_list")
    return render(request, "glossaries/delete_confirm.html", {"glossary": glossary})
