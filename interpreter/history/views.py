"""History pages: the list with search and filters, one session's transcript, exports.

Who sees what, in the current account only (``request.account``):
- members see their own sessions;
- owners and admins see their own by default and may switch to the whole account's, and
  may open, rename, export and delete any session of the account;
- anyone else gets 404, never 403, so another account's session ids reveal nothing.
A session still running is never deleted: its live consumer is still writing to it.

A room session (see ``languages``) shows its languages side by side; its downloads are per
language (see ``downloads``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interpreter import exports
from interpreter.models import TranslationSession, Utterance, UtteranceTranslation

from . import downloads
from .describe import duration_label, gap_summary, glossary_used, session_faults
from .forms import BulkDeleteForm, HistoryFilterForm, TitleForm
from .languages import is_room_session, languages_of_sessions, session_languages, translations_of

PAGE_SIZE = 25
LIVE_POLL_MS = 2000


def _account(request):
    """The current account, or None (``request.account`` is a lazy object)."""
    return request.account or None


def _can_manage(request) -> bool:
    account = _account(request)
    return account is not None and account.is_manager(request.user)


def _session_or_404(request, session_id: int) -> TranslationSession:
    """A session the user may open: their own, or any of the account's if they manage it."""
    sessions = TranslationSession.objects.visible_to(
        request.user, _account(request), whole_account=True
    )
    return get_object_or_404(sessions.select_related("user", "room"), pk=session_id)


def _origin(session: TranslationSession):
    first = session.utterances.aggregate(first=Min("started_at"))["first"]
    return exports.origin_of(session.started_at, first)


@login_required
@require_GET
def history_list(request):
    """The user's sessions, newest first, searchable and filterable."""
    account = _account(request)
    can_manage = _can_manage(request)
    whole_account = can_manage and request.GET.get("scope") == "account"
    # A finished session in which nothing was said is not listed (purge_history deletes it).
    sessions = TranslationSession.objects.visible_to(request.user, account, whole_account)
    sessions = sessions.listed()

    pairs = (
        sessions.order_by("source_language", "target_language")
        .values_list("source_language", "target_language")
        .distinct()
    )
    form = HistoryFilterForm(request.GET, pairs=list(pairs))
    # Apply every filter that is valid; an invalid one is shown as an error and ignored.
    form.is_valid()
    data = form.cleaned_data
    query = data.get("q", "").strip()
    if query:
        sessions = sessions.search(query)
    if data.get("pair"):
        source, target = data["pair"].split(">", 1)
        sessions = sessions.filter(source_language=source, target_language=target)
    if data.get("since"):
        sessions = sessions.filter(started_at__date__gte=data["since"])
    if data.get("until"):
        sessions = sessions.filter(started_at__date__lte=data["until"])

    sessions = (
        sessions.select_related("user", "room")
        .with_first_words()
        .annotate(utterance_count=Count("utterances"))
    )
    if query:
        sessions = _with_first_match(sessions, query)
    page = Paginator(sessions.order_by("-started_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    room_languages = languages_of_sessions(page)
    for session in page:
        session.duration_label = duration_label(session.duration_seconds)
        session.fault_summary = session_faults(session)
        session.room_languages = room_languages.get(session.pk)
    return render(
        request,
        "history/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_manage": can_manage,
            "whole_account": whole_account,
        },
    )


def _with_first_match(sessions, query: str):
    """``sessions`` annotated with their first utterance that matches ``query``: its text
    (``match_text``), and the translation that matched, else its translation
    (``match_translation``, in ``match_language`` when a room's translation matched)."""
    hits = UtteranceTranslation.objects.filter(utterance=OuterRef("pk")).matching(query)
    hits = hits.order_by("language")
    matches = Utterance.objects.filter(session=OuterRef("pk")).matching_anywhere(query)
    matches = matches.order_by("started_at", "pk").annotate(
        hit_language=Subquery(hits.values("language")[:1]),
        shown=Coalesce(Subquery(hits.values("text")[:1]), "translation"),
    )
    return sessions.annotate(
        match_text=Subquery(matches.values("text")[:1]),
        match_translation=Subquery(matches.values("shown")[:1]),
        match_language=Subquery(matches.values("hit_language")[:1]),
    )


@login_required
@require_POST
def history_bulk_delete(request):
    """Owners and admins delete several finished sessions of their account, after confirming."""
    if not _can_manage(request):
        raise Http404("Only owners and admins can delete sessions in bulk.")
    deletable = TranslationSession.objects.for_account(_account(request)).finished()
    deletable = deletable.with_first_words()
    form = BulkDeleteForm(request.POST, queryset=deletable)
    if not form.is_valid():
        messages.error(request, "Choose finished sessions of this account to delete.")
        return redirect("history")
    chosen = form.cleaned_data["sessions"]
    if request.POST.get("confirm") != "yes":
        return render(
            request, "history/bulk_delete_confirm.html", {"form": form, "sessions": chosen}
        )
    count = len(chosen)
    deletable.filter(pk__in=[session.pk for session in chosen]).delete()
    messages.success(request, f"Deleted {count} session{'s' if count != 1 else ''}.")
    return redirect("history")


@login_required
@require_GET
def session_detail(request, session_id: int):
    """The transcript and its translation side by side, with offsets from the start; a room
    session's source line and its translation into each of its languages."""
    session = _session_or_404(request, session_id)
    utterances = list(session.utterances.all())
    room = is_room_session(session)
    languages = session_languages(session) if room else []
    translations, translated_at = translations_of(session.utterances.all()) if room else ({}, {})
    origin = exports.origin_of(session.started_at, utterances[0].started_at if utterances else None)
    rows = []
    for utterance in utterances:
        ms = exports.offset_ms(utterance.started_at, origin)
        texts = translations.get(utterance.pk, {})
        rows.append(
            {
                "utterance": utterance,
                "offset_ms": ms,
                "offset": exports.clock(ms)[:8],
                "translations": [(code, texts.get(code, "")) for code in languages],
            }
        )
    said = any(u.text.strip() or u.translation.strip() for u in utterances)
    live = None
    if session.status == TranslationSession.Status.RUNNING:
        cursor = _newest(utterances, translated_at)
        live = {
            "url": reverse("history_utterances", args=[session.pk]),
            "cursor": cursor.astimezone(UTC).isoformat(timespec="microseconds") if cursor else "",
            "interval_ms": LIVE_POLL_MS,
        }
        if room:
            live["languages"] = languages
            live["source_language"] = session.source_language
    return render(
        request,
        "history/detail.html",
        {
            "session": session,
            "rows": rows,
            "gaps": [gap_summary(session, gap) for gap in session.gaps],
            "title_form": TitleForm(instance=session),
            "duration": duration_label(session.duration_seconds),
            "fault_summary": session_faults(session, shown=None),
            "glossary": glossary_used(session.glossary_snapshot),
            "silent": not said and session.status != TranslationSession.Status.RUNNING,
            "live": live,
            "formats": downloads.FORMATS,
            "room": room,
            "languages": languages,
            "text_choices": downloads.text_choices(session, languages if room else None),
        },
    )


def _newest(
    utterances: list[Utterance], translated_at: dict[int, datetime], since: datetime | None = None
) -> datetime | None:
    """When the newest of ``utterances`` or of their translations was saved (``since`` when
    there is nothing newer): the cursor of the next poll. Only what is shown counts, so a
    line saved meanwhile but not read yet is not skipped."""
    moments = [u.updated_at for u in utterances] + list(translated_at.values())
    return max(moments, default=since)


@login_required
@require_GET
def session_utterances(request, session_id: int):
    """Utterances saved or updated after ``?after=<ISO time>``, for a page following a live session.

    Answers ``{"status", "cursor", "utterances": [{id, offset, offset_ms, text, translation}]}``;
    the client sends ``cursor`` back as ``after`` on its next poll. A room session's answer
    also has ``languages`` (all of the session's so far, in order), and each utterance its
    ``translations`` by language; an utterance whose translation into some language was
    saved after the cursor comes again, with every translation it has.
    """
    session = _session_or_404(request, session_id)
    room = is_room_session(session)
    utterances = session.utterances.all()
    after = request.GET.get("after", "")
    cursor = None
    if after:
        cursor = parse_datetime(after)
        if cursor is None or timezone.is_naive(cursor):
            return HttpResponseBadRequest("after must be an ISO 8601 time with a time zone")
        changed = Q(updated_at__gt=cursor)
        if room:
            translated = UtteranceTranslation.objects.filter(
                utterance__session=session, updated_at__gt=cursor
            )
            changed |= Q(pk__in=translated.values("utterance_id"))
        utterances = utterances.filter(changed)
    rows = list(utterances)
    origin = _origin(session)
    translations, translated_at = translations_of(utterances) if room else ({}, {})
    shown = {u.pk for u in rows}
    translated_at = {pk: at for pk, at in translated_at.items() if pk in shown}
    newest = _newest(rows, translated_at, since=cursor)
    answer = {
        "status": session.status,
        "cursor": newest.astimezone(UTC).isoformat(timespec="microseconds") if newest else "",
        "utterances": [
            {
                "id": u.pk,
                "offset_ms": (ms := exports.offset_ms(u.started_at, origin)),
                "offset": exports.clock(ms)[:8],
                "text": u.text,
                "translation": u.translation,
                **({"translations": translations.get(u.pk, {})} if room else {}),
            }
            for u in rows
        ],
    }
    if room:
        answer["languages"] = session_languages(session)
    return JsonResponse(answer)


@login_required
@require_POST
def session_title(request, session_id: int):
    session = _session_or_404(request, session_id)
    form = TitleForm(request.POST, instance=session)
    if form.is_valid():
        # Only the title: a live consumer may be updating the session's other columns.
        session.save(update_fields=["title"])
        messages.success(request, "Title saved.")
    else:
        messages.error(request, " ".join(form.errors.get("title", ["The title is not valid."])))
    return redirect("history_session", session_id=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_delete(request, session_id: int):
    """Confirm on GET, delete on POST; a running session is refused."""
    session = _session_or_404(request, session_id)
    if session.status == TranslationSession.Status.RUNNING:
        messages.error(request, "This session is still running; stop it before deleting it.")
        return redirect("history_session", session_id=session.pk)
    if request.method == "POST":
        name = str(session)
        session.delete()
        messages.success(request, f"Deleted “{name}”.")
        return redirect("history")
    return render(request, "history/delete_confirm.html", {"session": session})


@login_required
@require_GET
def session_export(request, session_id: int, fmt: str):
    """Download ``fmt`` (txt, srt, vtt, json, csv); ``?text=source|target|bilingual``, and
    for a room session's target or bilingual subtitles and text, ``&language=<code>``
    (see ``downloads``)."""
    if fmt not in downloads.FORMATS:
        raise Http404("Unknown export format.")
    session = _session_or_404(request, session_id)
    text, language = request.GET.get("text", "bilingual"), request.GET.get("language", "")
    try:
        body, filename = downloads.build(session, fmt, text, language)
    except downloads.Refused as refusal:
        return HttpResponseBadRequest(str(refusal))
    return HttpResponse(
        body,
        content_type=downloads.FORMATS[fmt],
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
