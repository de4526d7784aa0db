import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from essex_anchors.lib.financial_year import financial_year_label
from essex_anchors.lib.rate_limits import rate_limit
from essex_anchors.lib.roles import is_secretariat, organisation_of
from essex_anchors.lib.spreadsheet import csv_cell
from pledges.models import Organisation

from . import evidence, exports, services
from .classify import EXCLUSION_EXAMPLES, EXCLUSION_LABELS, EXCLUSIONS, MARKET_NAMES, VCSE_NAME_PATTERN
from .forms import ColumnMappingForm, DisputeForm, SpendUploadForm, SupplierFilterForm
from .importing import columns, reading
from .models import (
    RULES_CHANGES,
    RULES_VERSION,
    Baseline,
    ClassificationDispute,
    LocalArea,
    Locality,
    Register,
    SpendFile,
    SpendFileStatus,
    SpendLine,
    Supplier,
)


def _get_spend_file_for_user(request, pk) -> SpendFile:
    """A spend file of the person's own organisation (any, for the secretariat); 404 for anyone else's."""
    return get_object_or_404(SpendFile.objects.visible_to(request.user).select_related("organisation"), pk=pk)


def _may_use_spend(user) -> None:
    if organisation_of(user) is None and not is_secretariat(user):
        raise PermissionDenied("Spend files belong to an anchor organisation: your account is not linked to one.")


@login_required
@require_GET
def spend_home(request):
    _may_use_spend(request.user)
    files = SpendFile.objects.visible_to(request.user)
    context = {
        "organisation": organisation_of(request.user),
        "files": files.select_related("organisation", "baseline")[:100],
        "baselines": Baseline.objects.current()
        .filter(spend_file__in=files)
        .select_related("organisation", "spend_file"),
        "breadcrumbs": [("Spend baselines", None)],
    }
    return render(request, "spend/spend_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("upload", what="uploads")
def spend_upload(request):
    _may_use_spend(request.user)
    own = organisation_of(request.user)
    # The secretariat says whose file it is; anchor staff upload for their own organisation.
    chooses = is_secretariat(request.user)
    # Bound on every POST, so that an empty one is answered with the missing fields, not a blank form.
    posted = request.method == "POST"
    form = SpendUploadForm(
        request.POST if posted else None, request.FILES if posted else None, organisation=None if chooses else own
    )
    if request.method == "POST" and form.is_valid():
        spend_file = services.spend_file_create(
            organisation=form.cleaned_data["organisation"] if chooses else own,
            financial_year=form.cleaned_data["financial_year"],
            upload=form.cleaned_data["file"],
            user=request.user,
        )
        if spend_file.status == SpendFileStatus.NEEDS_MAPPING:
            return redirect("spend:spendfile-columns", pk=spend_file.pk)
        return redirect(spend_file)
    breadcrumbs = [("Spend baselines", reverse("spend:spend-home")), ("Upload a payments file", None)]
    context = {"form": form, "fields": columns.FIELDS, "breadcrumbs": breadcrumbs, "organisation": own}
    return render(request, "spend/spendfile_upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def spendfile_columns(request, pk):
    spend_file = _get_spend_file_for_user(request, pk)
    if spend_file.status != SpendFileStatus.NEEDS_MAPPING:
        return redirect(spend_file)
    try:
        sheets = services.headers_of(spend_file)
    except reading.FileRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(spend_file)
    # Every sheet is read with the same mapping: the headers of all sheets are offered.
    headers = [header for _name, sheet_headers, _found in sheets for header in sheet_headers]
    recognised = sheets[0][2]
    form = ColumnMappingForm(request.POST if request.method == "POST" else None, headers=headers, recognised=recognised)
    if request.method == "POST" and form.is_valid():
        try:
            services.spend_file_map_columns(spend_file=spend_file, mapping=form.mapping, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(spend_file)
    missing = [columns.FIELDS_BY_NAME[name].label for name in columns.missing_required(recognised)]
    breadcrumbs = [
        ("Spend baselines", reverse("spend:spend-home")),
        (spend_file.original_name, spend_file.get_absolute_url()),
        ("Match the columns", None),
    ]
    context = {"form": form, "spend_file": spend_file, "missing": missing, "sheets": sheets, "breadcrumbs": breadcrumbs}
    return render(request, "spend/spendfile_columns.html", context)


@login_required
@require_GET
def spendfile_detail(request, pk):
    spend_file = _get_spend_file_for_user(request, pk)
    baseline = Baseline.objects.filter(spend_file=spend_file).first()
    breadcrumbs = [("Spend baselines", reverse("spend:spend-home")), (spend_file.original_name, None)]
    context = {
        "spend_file": spend_file,
        "baseline": baseline,
        "report": spend_file.report,
        "errors": spend_file.report_rows()[:200],
        "exclusion_labels": EXCLUSION_LABELS,
        "breadcrumbs": breadcrumbs,
        "may_publish": is_secretariat(request.user),
        "rules_version": RULES_VERSION,
        "earlier_figures": baseline.earlier_figures() if baseline else [],
    }
    return render(request, "spend/spendfile_detail.html", context)


@login_required
@require_GET
def spendfile_status(request, pk):
    """Where the import is, for the file page's progress script."""
    spend_file = _get_spend_file_for_user(request, pk)
    return JsonResponse(
        {
            "status": spend_file.status,
            "status_label": spend_file.get_status_display(),
            "stage": spend_file.stage,
            "stage_label": spend_file.get_stage_display(),
            "rows_read": spend_file.rows_read,
            "finished": spend_file.is_finished,
        },
        headers={"Cache-Control": "private, no-store"},
    )


@login_required
@require_GET
def spendfile_report_csv(request, pk):
    """Every bad row the import found, as a CSV to fix the file by."""
    spend_file = _get_spend_file_for_user(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="spend-file-{spend_file.pk}-report.csv"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(SpendFile.REPORT_COLUMNS)
    for row in spend_file.report_rows():
        writer.writerow([csv_cell(cell) for cell in row])
    return response


@login_required
@require_POST
def baseline_publish(request, pk):
    baseline = get_object_or_404(Baseline.objects.current(), pk=pk)
    try:
        services.baseline_publish(baseline=baseline, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The {baseline} baseline is now public.")
    return redirect(baseline.spend_file)


@login_required
@require_POST
def baseline_hold(request, pk):
    baseline = get_object_or_404(Baseline.objects.current(), pk=pk)
    services.baseline_hold(baseline=baseline, user=request.user)
    messages.success(request, f"The {baseline} baseline is held: it is no longer on the public pages.")
    return redirect(baseline.spend_file)


@require_safe  # GET and HEAD, as the dashboard's open data answers
def methods(request):
    context = {
        "rules_version": RULES_VERSION,
        "rules_changes": RULES_CHANGES[::-1],
        "exclusions": [(label, EXCLUSION_EXAMPLES[code], pattern) for code, label, pattern in EXCLUSIONS],
        "market_names": MARKET_NAMES,
        "vcse_pattern": VCSE_NAME_PATTERN,
        "fields": columns.FIELDS,
        "local_areas": LocalArea.objects.filter(active=True, locality=Locality.LOCAL).values_list(
            "district", flat=True
        ),
        "partial_areas": LocalArea.objects.filter(active=True, locality=Locality.PARTIAL),
        "registers": Register.objects.all(),
        "evidence_paths": [
            ("Local or not", evidence.LOCAL_PATHS.values()),
            ("SME or not", evidence.SME_PATHS.values()),
            ("VCSE or not", evidence.VCSE_PATHS.values()),
        ],
        "breadcrumbs": [("How spend is classified", None)],
    }
    return render(request, "spend/methods.html", context)


@require_safe  # GET and HEAD, as the dashboard's open data answers
def export_csv(request):
    return exports.baselines_csv()


@require_safe  # GET and HEAD, as the dashboard's open data answers
def export_json(request):
    return exports.baselines_json()


def _supplier_filters(request):
    """The organisation, year and class the supplier list shows, from the query string (bad values fall back)."""
    secretariat = is_secretariat(request.user)
    organisations = None
    if secretariat:
        organisations = Organisation.objects.filter(spend_files__status=SpendFileStatus.IMPORTED).distinct()
    organisation = organisation_of(request.user)
    if secretariat:
        chosen = request.GET.get("organisation", "")
        chosen = organisations.filter(pk=chosen).first() if chosen.isdigit() and len(chosen) < 10 else None
        organisation = chosen or organisations.first()
    years = list(
        SpendFile.objects.current()
        .filter(organisation=organisation)
        .order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()
    )
    form = SupplierFilterForm(
        request.GET or None, organisations=organisations, years=years, initial={"organisation": organisation}
    )
    valid = form.is_valid()
    year = (form.cleaned_data.get("year") if valid else None) or (years[0] if years else None)
    show = (form.cleaned_data.get("show") if valid else "") or ""
    return form, organisation, year, show


@login_required
@require_GET
def supplier_list(request):
    """The suppliers behind an organisation's baseline for a year, biggest spend first, filterable by class."""
    _may_use_spend(request.user)
    form, organisation, year, show = _supplier_filters(request)
    areas = evidence.active_areas()
    suppliers = Supplier.objects.none()
    if organisation is not None and year is not None:
        suppliers = Supplier.objects.paid_by(organisation, year)
        if show:
            question, value = show.split(":")
            suppliers = suppliers.classed(question, value, {d: a.locality for d, a in areas.items()})
    page = Paginator(suppliers, 50).get_page(request.GET.get("page"))
    found = evidence.suppliers_evidence(list(page))
    rows = [{"supplier": supplier, "evidence": found[supplier.pk]} for supplier in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "organisation": organisation,
        "year_label": financial_year_label(year) if year is not None else "",
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "disputes": ClassificationDispute.objects.visible_to(request.user).select_related("supplier", "organisation")[
            :20
        ],
        "breadcrumbs": [("Spend baselines", reverse("spend:spend-home")), ("Suppliers", None)],
    }
    return render(request, "spend/supplier_list.html", context)


def _get_supplier_for_user(request, pk) -> Supplier:
    """A supplier the person's organisation paid (any, for the secretariat); 404 for any other."""
    supplier = get_object_or_404(Supplier, pk=pk)
    if not is_secretariat(request.user) and not services.may_dispute(request.user, supplier):
        raise Http404("No such supplier among your organisation's payments.")
    return supplier


@login_required
@require_http_methods(["GET", "POST"])
def supplier_detail(request, pk):
    """A supplier's classification with the evidence for each answer, the spend with it, and its disputes."""
    _may_use_spend(request.user)
    supplier = _get_supplier_for_user(request, pk)
    may_dispute = services.may_dispute(request.user, supplier)
    form = DisputeForm(request.POST or None) if may_dispute else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                "Only staff of an organisation that paid this supplier can dispute its classification."
            )
        if form.is_valid():
            try:
                services.dispute_raise(
                    supplier=supplier,
                    user=request.user,
                    field=form.cleaned_data["field"],
                    proposed_value=form.proposed_value(),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "Your dispute is with the secretariat. Its decision will show here.")
                return redirect(supplier)
    organisation = organisation_of(request.user)
    spend = []
    if organisation is not None:
        spend = (
            SpendLine.objects.filter(
                supplier=supplier, spend_file__organisation=organisation, spend_file__status=SpendFileStatus.IMPORTED
            )
            .values("spend_file__financial_year")
            .annotate(amount=Sum("amount"), payments=Count("row_number"))
            .order_by("-spend_file__financial_year")
        )
    context = {
        "supplier": supplier,
        "evidence": evidence.suppliers_evidence([supplier])[supplier.pk],
        "spend": [{"year": financial_year_label(row["spend_file__financial_year"]), **row} for row in spend],
        "organisation": organisation,
        "disputes": ClassificationDispute.objects.visible_to(request.user)
        .filter(supplier=supplier)
        .select_related("organisation", "raised_by", "settled_by"),
        "form": form,
        "breadcrumbs": [
            ("Spend baselines", reverse("spend:spend-home")),
            ("Suppliers", reverse("spend:supplier-list")),
            (supplier.name, None),
        ],
    }
    return render(request, "spend/supplier_detail.html", context)
