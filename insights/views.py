"""/desk/insights/: the effectiveness figures, each with its chart, table and CSV."""

import csv

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from frontoffice.roles import MANAGEMENT, role_required

from .forms import PeriodForm
from .selectors import insights_get
from .tables import FIGURES, figure_build, figures_build


@require_GET
@role_required(MANAGEMENT)
def page(request):
    form = PeriodForm(request.GET)
    period = form.period() if form.is_valid() else None
    figures = figures_build(insights_get(period)) if period else []
    query = request.GET.urlencode()
    return render(
        request,
        "insights/page.html",
        {"form": form, "period": period, "figures": figures, "query": query},
    )


@require_GET
@role_required(MANAGEMENT)
def figure_csv(request, key: str):
    if key not in FIGURES:
        raise Http404
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            content_type="text/plain; charset=utf-8",
        )
    period = form.period()
    figure = figure_build(insights_get(period), key)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"insights-{key}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([str(h) for h in figure.headers])
    for row in figure.rows:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return response
