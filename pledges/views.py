import csv
import datetime
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from essex_anchors.lib.keyset import KeysetPage, keyset_page
from essex_anchors.lib.rate_limits import rate_limit
from essex_anchors.lib.spreadsheet import csv_cell
from essex_anchors.lib.views import BreadcrumbMixin, file_download

from . import progress_csv, services
from .cache import latest
from .filters import PledgeFilter
from .forms import (
    PledgeForm,
    ProgressUpdateForm,
    ProgressUploadForm,
    TargetFormSet,
    WithdrawalRequestForm,
)
from .models import (
    PUBLIC_STATUSES,
    Approach,
    Lever,
    Organisation,
    Pledge,
    PledgeAction,
    PledgeStatus,
    ProgressUpdate,
    Target,
    TargetChange,
    TargetProgress,
    is_secretariat,
    organisation_of,
)


def _pledge_rows(queryset):
    """Pledges with everything a row of the pledge table shows, in a fixed number of queries."""
    return queryset.select_related("organisation", "lever", "approach").prefetch_related("targets")


PLEDGES_PER_PAGE = 25


def _pledge_page(request, pledges, size: int = PLEDGES_PER_PAGE) -> KeysetPage:
    """A page of pledges in their usual order, found from the page before it (no OFFSET, no COUNT)."""
    return keyset_page(_pledge_rows(pledges), Pledge._meta.ordering, request.GET.get("cursor"), size)


class PublicPledgesMixin:
    """Adds the public pledges of the page's object, a page at a time; `pledge_filter` names the Pledge field."""

    pledge_filter = ""
    pledges_shown = 10

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledges = Pledge.objects.public().filter(**{self.pledge_filter: self.object})
        page = _pledge_page(self.request, pledges, self.pledges_shown)
        context["pledges"] = page.rows
        context["page"] = page
        return context


class LeverListView(ListView):
    model = Lever
    queryset = Lever.objects.prefetch_related("approaches")


class LeverDetailView(PublicPledgesMixin, BreadcrumbMixin, DetailView):
    model = Lever
    pledge_filter = "lever"
    queryset = Lever.objects.prefetch_related("approaches", "measures")

    def get_breadcrumbs(self):
        return [("Levers", reverse("pledges:lever-list")), (self.object.name, None)]


class ApproachDetailView(PublicPledgesMixin, BreadcrumbMixin, DetailView):
    """One approach under its lever: its public pledges, a page at a time, and the resources shared under it."""

    model = Approach
    pledge_filter = "approach"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Approach.objects.select_related("lever").prefetch_related("lever__approaches"),
            lever__slug=self.kwargs["lever_slug"],
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["other_approaches"] = [other for other in self.object.lever.approaches.all() if other != self.object]
        return context

    def get_breadcrumbs(self):
        lever = self.object.lever
        return [
            ("Levers", reverse("pledges:lever-list")),
            (lever.name, lever.get_absolute_url()),
            (self.object.name, None),
        ]


class OrganisationListView(ListView):
    model = Organisation
    queryset = Organisation.objects.active()


class OrganisationDetailView(PublicPledgesMixin, BreadcrumbMixin, DetailView):
    model = Organisation
    pledge_filter = "organisation"

    def get_breadcrumbs(self):
        return [("Organisations", reverse("pledges:organisation-list")), (self.object.name, None)]


# Public pledge pages, progress updates and the progress CSV upload


class PledgeListView(BreadcrumbMixin, FilterView):
    """Published (and later) pledges, filtered, 25 to a page."""

    filterset_class = PledgeFilter
    template_name = "pledges/pledge_list.html"

    def get_queryset(self):
        return Pledge.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledges = context["object_list"]
        page = _pledge_page(self.request, pledges)
        filters = self.request.GET.copy()
        filters.pop("cursor", None)
        context.update(
            object_list=page.rows,
            page=page,
            # Counted once per generation of the public figures and filter, not on every request.
            pledge_count=latest(f"pledge-count:{filters.urlencode()}", pledges.count).value
            if page.rows
            else 0,
        )
        return context

    def get_breadcrumbs(self):
        return [("Pledges", None)]


class PledgeDetailView(BreadcrumbMixin, DetailView):
    """One pledge: public once published; before that only its organisation and the secretariat see it."""

    model = Pledge

    def get_queryset(self):
        latest_first = TargetProgress.objects.select_related("update").order_by("-update__date", "-update__pk")
        return (
            Pledge.objects.visible_to(self.request.user)
            .select_related("organisation", "lever", "approach__lever")
            .prefetch_related(
                Prefetch(
                    "targets",
                    queryset=Target.objects.select_related("measure").prefetch_related(
                        Prefetch("progress", queryset=latest_first)
                    ),
                ),
                Prefetch(
                    "progress_updates",
                    queryset=ProgressUpdate.objects.prefetch_related(
                        Prefetch("values", queryset=TargetProgress.objects.select_related("target__measure"))
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledge, user = self.object, self.request.user
        insider = pledge.is_managed_by(user)
        history = pledge.status_changes.select_related("changed_by__profile__organisation")
        context.update(
            is_insider=insider,
            actions=pledge.available_actions(user),
            target_changes=TargetChange.objects.filter(target__pledge=pledge).select_related(
                "target__measure", "changed_by__profile__organisation"
            ),
            # The public sees only the steps since publication; reviews before it stay with the insiders.
            status_history=history if insider else history.filter(to_status__in=PUBLIC_STATUSES),
        )
        return context

    def get_breadcrumbs(self):
        return [("Pledges", reverse("pledges:pledge-list")), (self.object.title, None)]


def _get_pledge_for_progress(request, pk) -> Pledge:
    """The pledge whose progress this user may post: 404 if they may not see it, 403 if it is not theirs."""
    pledge = get_object_or_404(Pledge.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    refusal = pledge.action_refusal(PledgeAction.POST_PROGRESS, request.user)
    if refusal is not None:
        raise PermissionDenied(_error_text(refusal))
    return pledge


@login_required
@require_http_methods(["GET", "POST"])
def progress_create(request, pk):
    pledge = _get_pledge_for_progress(request, pk)
    targets = list(pledge.targets.select_related("measure"))
    form_kwargs = {"targets": targets, "can_verify": is_secretariat(request.user)}
    if request.method == "POST":
        form = ProgressUpdateForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            try:
                services.progress_post(pledge=pledge, user=request.user, **form.post_values())
            except ValidationError as error:
                form.add_post_errors(error)
            else:
                messages.success(request, "Your progress update is posted.")
                return redirect(pledge)
    else:
        form = ProgressUpdateForm(initial={"date": timezone.localdate()}, **form_kwargs)
    breadcrumbs = [
        ("Pledges", reverse("pledges:pledge-list")),
        (pledge.title, pledge.get_absolute_url()),
        ("Post a progress update", None),
    ]
    return render(request, "pledges/progress_form.html", {"form": form, "pledge": pledge, "breadcrumbs": breadcrumbs})


@require_GET
def progress_evidence(request, pk):
    """An update's evidence document, to whoever may see its pledge; always as a download, never inline."""
    update = get_object_or_404(
        ProgressUpdate.objects.filter(pledge__in=Pledge.objects.visible_to(request.user)).exclude(evidence_file=""),
        pk=pk,
    )
    return file_download(update.evidence_file, filename=Path(update.evidence_file.name).name, private=True)


def _uploader_organisation(user):
    """Anchor staff upload for their organisation; the secretariat (None) for any organisation."""
    organisation = organisation_of(user)
    if organisation is None and not is_secretariat(user):
        raise PermissionDenied("Only staff of an anchor organisation can upload progress.")
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("upload", what="uploads")
def progress_upload(request):
    organisation = _uploader_organisation(request.user)
    form = ProgressUploadForm(request.POST, request.FILES) if request.method == "POST" else ProgressUploadForm()
    row_errors = []
    if form.is_bound and form.is_valid():
        result = progress_csv.check_file(
            form.cleaned_data["file"].read(),
            lookup=lambda ids: progress_csv.pledge_facts(ids, organisation=organisation),
            today=timezone.localdate(),
        )
        if result.errors:
            row_errors = result.errors
            form.add_error("file", progress_csv.summary(result.errors))
        else:
            try:
                _save_progress_file(result.updates, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                # A pledge changed between the check and the save (say, the secretariat closed it).
                form.add_error("file", f"{_error_text(error)} Nothing has been saved.")
            else:
                messages.success(
                    request,
                    f"Imported {result.value_count} progress value{'s' if result.value_count != 1 else ''} "
                    f"in {len(result.updates)} update{'s' if len(result.updates) != 1 else ''}.",
                )
                return redirect("pledges:my-dashboard")
    breadcrumbs = [("Pledges", reverse("pledges:pledge-list")), ("Upload progress", None)]
    return render(
        request, "pledges/progress_upload.html", {"form": form, "row_errors": row_errors, "breadcrumbs": breadcrumbs}
    )


@transaction.atomic
def _save_progress_file(updates, *, user) -> None:
    """Post every update of a checked file in one transaction: if any fails, none of the file is saved."""
    pledges = Pledge.objects.in_bulk({update.pledge_id for update in updates})
    for update in updates:
        services.progress_post(
            pledge=pledges[update.pledge_id],
            user=user,
            date=update.date,
            narrative=update.narrative,
            values=update.values,
            rag=update.rag,
            evidence_link=update.evidence_link,
        )


@login_required
@require_GET
def progress_upload_template(request):
    """A CSV to fill in: one row per target of the user's published pledges, with its ids filled in."""
    organisation = _uploader_organisation(request.user)
    targets = Target.objects.filter(pledge__status=PledgeStatus.PUBLISHED).select_related("pledge", "measure")
    if organisation is not None:
        targets = targets.filter(pledge__organisation=organisation)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="progress-upload-template.csv"'
    # A byte order mark, so that Excel reads the £ sign and other characters as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([*progress_csv.COLUMNS, *progress_csv.IGNORED_COLUMNS])
    for target in targets.order_by("pledge_id", "pk").iterator(chunk_size=2000):
        # Titles and measures are typed by every organisation: a spreadsheet must show them, never run them.
        cells = [target.pledge_id, target.pk, "", "", "", "", "", target.pledge.title, target.measure_name, target.unit]
        writer.writerow([csv_cell(cell) for cell in cells])
    return response


# Anchor staff: make, edit, submit and ask to withdraw a pledge; the organisation's dashboard /my/

# A published pledge with no progress update for this long is "progress due" on /my/.
PROGRESS_DUE_AFTER = datetime.timedelta(days=90)


def _get_pledge_for_user(request, pk) -> Pledge:
    """A pledge of the user's own organisation (any pledge for the secretariat); 404 for anything else.

    Another organisation's pledge is "not found" even when it is public: these views change pledges,
    and anchor staff only ever change their own organisation's.
    """
    pledges = Pledge.objects.select_related("organisation", "lever", "approach")
    if not is_secretariat(request.user):
        pledges = pledges.for_organisation(organisation_of(request.user))
    return get_object_or_404(pledges, pk=pk)


def _error_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_create(request):
    organisation = organisation_of(request.user)
    if organisation is None:
        messages.error(
            request, "Pledges are made by staff of an anchor organisation, and your account is not linked to one."
        )
        return redirect("pledges:my-dashboard")
    return _pledge_form(request, Pledge(organisation=organisation, created_by=request.user), extra=2)


@login_required
@require_http_methods(["GET", "POST"])
def pledge_update(request, pk):
    pledge = _get_pledge_for_user(request, pk)
    refusal = pledge.action_refusal(PledgeAction.EDIT, request.user)
    if refusal is not None:
        messages.error(request, _error_text(refusal))
        return redirect("pledges:my-dashboard")
    return _pledge_form(request, pledge, extra=1)


def _pledge_form(request, pledge: Pledge, *, extra: int):
    """The page both views share: the pledge and its target rows, saved together or not at all."""
    creating = pledge.pk is None
    # Named before the form is bound: validation copies the typed title onto `pledge`.
    heading = "New pledge" if creating else f"Edit pledge: {pledge.title}"
    errors = []
    adding_row = False
    if request.method == "POST":
        action = request.POST.get("action", "draft")
        adding_row = action == "add-target"
        data = TargetFormSet.data_with_another_row(request.POST) if adding_row else request.POST
        form = PledgeForm(data, instance=pledge, redisplay=adding_row)
        formset = TargetFormSet(data, instance=pledge, extra=extra, redisplay=adding_row)
        if adding_row:
            if formset.total_form_count() >= formset.max_num:
                errors.append(f"A pledge can have at most {formset.max_num} targets.")
        elif all([form.is_valid(), formset.is_valid()]):
            try:
                pledge = _save_pledge(form, formset, user=request.user, submit=action == "submit")
            except services.StaleEditError as error:
                errors += error.messages
            else:
                messages.success(request, _saved_message(pledge, creating=creating, submitted=action == "submit"))
                return redirect("pledges:my-dashboard")
        else:
            errors += formset.error_summary()
    else:
        form = PledgeForm(instance=pledge)
        formset = TargetFormSet(instance=pledge, extra=extra)
    context = {
        "form": form,
        "formset": formset,
        "pledge": pledge,
        "creating": creating,
        "errors": errors,
        "heading": heading,
        "can_add_target": formset.total_form_count() < formset.max_num,
        # After "Add another target", the new row (the last) takes focus, so a keyboard user carries on there.
        "added_row": formset.total_form_count() if adding_row and not errors else None,
        "breadcrumbs": [("My organisation", reverse("pledges:my-dashboard")), (heading, None)],
    }
    return render(request, "pledges/pledge_form.html", context)


def _save_pledge(form, formset, *, user, submit: bool) -> Pledge:
    """Save the pledge with its targets in one transaction, refusing a stale form; then submit it if asked."""
    with transaction.atomic():
        pledge = form.instance
        if pledge.pk:
            pledge.version = services.pledge_claim_version(pledge_id=pledge.pk, version=form.cleaned_data["version"])
        pledge = form.save()
        formset.save()
        if submit:
            pledge = services.pledge_change_status(pledge=pledge, status=PledgeStatus.SUBMITTED, user=user)
    return pledge


def _saved_message(pledge: Pledge, *, creating: bool, submitted: bool) -> str:
    if submitted:
        return f"“{pledge.title}” is submitted for review. The secretariat will publish it or return it with comments."
    if creating:
        return f"Your draft pledge “{pledge.title}” is saved. Submit it for review when it is ready."
    return f"Your changes to “{pledge.title}” are saved."


@login_required
@require_POST
def pledge_submit(request, pk):
    pledge = _get_pledge_for_user(request, pk)
    try:
        services.pledge_change_status(pledge=pledge, status=PledgeStatus.SUBMITTED, user=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, f"“{pledge.title}” was not submitted. {_error_text(error)}")
    else:
        messages.success(request, _saved_message(pledge, creating=False, submitted=True))
    return redirect("pledges:my-dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def pledge_withdraw(request, pk):
    pledge = _get_pledge_for_user(request, pk)
    refusal = pledge.action_refusal(PledgeAction.REQUEST_WITHDRAWAL, request.user)
    if refusal is not None:
        messages.error(request, _error_text(refusal))
        return redirect("pledges:my-dashboard")
    form = WithdrawalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_request_withdrawal(pledge=pledge, user=request.user, reason=form.cleaned_data["reason"])
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request, f"Your request to withdraw “{pledge.title}” is sent. The secretariat will decide on it."
            )
            return redirect("pledges:my-dashboard")
    heading = f"Ask to withdraw: {pledge.title}"
    breadcrumbs = [("My organisation", reverse("pledges:my-dashboard")), (heading, None)]
    return render(request, "pledges/pledge_withdraw.html", {"form": form, "pledge": pledge, "breadcrumbs": breadcrumbs})


@login_required
@require_GET
def my_dashboard(request):
    organisation = organisation_of(request.user)
    if organisation is None:
        # The secretariat (and any account not linked to an organisation) has no pledges of its own.
        context = {
            "review_count": Pledge.objects.awaiting_review().count(),
            "withdrawal_count": Pledge.objects.awaiting_withdrawal().count(),
        }
        return render(request, "pledges/my_no_organisation.html", context)
    pledges = Pledge.objects.for_organisation(organisation).with_dashboard_figures()
    context = {
        "organisation": organisation,
        "groups": pledges.grouped_by_status(),
        "returned": pledges.returned(),
        "drafts": pledges.drafts(),
        "progress_due": pledges.needing_progress(timezone.localdate() - PROGRESS_DUE_AFTER),
        "awaiting_withdrawal": pledges.awaiting_withdrawal(),
        "progress_due_days": PROGRESS_DUE_AFTER.days,
    }
    return render(request, "pledges/my_dashboard.html", context)
