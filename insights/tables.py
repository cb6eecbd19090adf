"""Each figure as a title, a chart and a table (the page and its CSV share them)."""

from dataclasses import dataclass, field
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Channel
from frontoffice.models import VisitReason
from participants.models import BlockKind

from .charts import SUPPRESSED, bars_svg, lines_svg
from .groups import AGE_GROUPS, GENDERS

STEP_LABELS = {
    "registered": gettext_lazy("Registered"),
    "activated": gettext_lazy("Activated"),
    "data_updated": gettext_lazy("Data updated"),
    "claim_started": gettext_lazy("Claim started"),
    "selfie_passed": gettext_lazy("Selfie passed"),
    "submitted": gettext_lazy("Submitted"),
    "paid": gettext_lazy("Paid"),
}
CAUSE_LABELS = {
    "matched": gettext_lazy("Matched"),
    "not_matched": gettext_lazy("Not matched"),
    "not_live": gettext_lazy("Camera check: not live"),
    "retry": gettext_lazy("Camera check: asked to try again"),
    "no_face": gettext_lazy("No face"),
    "several_faces": gettext_lazy("Several faces"),
    "too_dark": gettext_lazy("Too dark"),
    "too_bright": gettext_lazy("Too bright"),
    "blurred": gettext_lazy("Blurred"),
    "glasses": gettext_lazy("Glasses or lens warning"),
    "face_cut": gettext_lazy("Face cut off"),
    "face_too_small": gettext_lazy("Face too small"),
    "error": gettext_lazy("Error"),
    "other": gettext_lazy("Other"),
}
AGE_LABELS = {
    "<30": gettext_lazy("Under 30"),
    "30-44": "30–44",
    "45-55": "45–55",
    ">55": gettext_lazy("Over 55"),
    "unknown": gettext_lazy("Birth date unknown"),
}
GENDER_LABELS = {"M": gettext_lazy("Men"), "F": gettext_lazy("Women")}
LEARNING_LABELS = {
    "tutorial": gettext_lazy("Watched the selfie tutorial"),
    "quiz": gettext_lazy("Took a quiz"),
    "neither": gettext_lazy("Neither"),
}
FIGURES = (
    "funnel",
    "failures",
    "locks",
    "cash",
    "breaches",
    "policy",
    "learning",
    "visits",
)


class Hidden:
    """A suppressed cell: a group of fewer than five, or a part that would give one
    back."""

    hidden = True

    def __str__(self) -> str:
        return _("hidden")


HIDDEN = Hidden()


@dataclass
class Figure:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = ""
    note: str = ""

    def table_html(self) -> str:
        """The table as escaped markup (a template loop per cell costs ~10x more)."""
        head = "".join(f"<th>{escape(str(h))}</th>" for h in self.headers)
        body = []
        for row in self.rows:
            cells = "".join(
                '<td class="hidden-cell">' + escape(str(c)) + "</td>"
                if isinstance(c, Hidden)
                else "<td>" + ("–" if c is None else escape(str(c))) + "</td>"
                for c in row
            )
            body.append(f"<tr>{cells}</tr>")
        if not body:
            empty = escape(_("Nothing in this period."))
            body.append(f'<tr><td colspan="{len(self.headers)}">{empty}</td></tr>')
        return (
            f'<table class="stats"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )


def _cell(row: dict, name: str, value=None):
    if name in row.get("suppressed", ()):
        return HIDDEN
    return row.get(name) if value is None else value


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.1f}%"


def _bars(key: str, title: str, items: list[tuple[str, object]]) -> str:
    """Bars of table cells: a hidden cell is drawn as hidden, None as nothing."""
    items = [(label, SUPPRESSED if isinstance(v, Hidden) else v) for label, v in items]
    return bars_svg(items, title=title, chart_id=f"chart-{key}", hidden_text=_("hidden"),
                    empty_text=_("No data in this period"))  # fmt: skip


def _funnel(data: dict) -> Figure:
    title = _("From registration to money: members per step")
    fig = Figure("funnel", title, [_("Step"), _("Members"), _("Online path"), _("Desk path"),
                 _("Drop from the step before"), _("Median hours since the step before"),
                 _("Median hours, online"), _("Median hours, desk")])  # fmt: skip
    for r in data["funnel"]:
        fig.rows.append([STEP_LABELS[r["step"]], _cell(r, "count"), _cell(r, "online"),
                         _cell(r, "desk"), _cell(r, "drop", _pct(r["drop"])), _cell(r, "median_hours"),
                         _cell(r, "online_median_hours"), _cell(r, "desk_median_hours")])  # fmt: skip
    fig.chart = _bars(
        "funnel",
        title,
        [(str(STEP_LABELS[r["step"]]), _cell(r, "count")) for r in data["funnel"]],
    )
    fig.note = _(
        "Claim type filters the claim steps; the desk path means the desk helped the member before the step (assisted activation or an unblock)."
    )
    return fig


def _failures(data: dict) -> Figure:
    title = _("Selfie outcomes by cause, age group and gender")
    headers = [_("Cause"), _("Attempts"), _("Share")]
    headers += [str(AGE_LABELS[a]) for a in AGE_GROUPS] + [
        str(GENDER_LABELS[g]) for g in GENDERS
    ]
    fig = Figure("failures", title, headers)
    for r in data["selfie_outcomes"]:
        groups = [r["age_groups"][a] for a in AGE_GROUPS] + [
            r["genders"][g] for g in GENDERS
        ]
        names = [*AGE_GROUPS, *GENDERS]
        fig.rows.append([CAUSE_LABELS[r["cause"]], _cell(r, "count"), _pct(r["share"])] +
                        [HIDDEN if n in r["suppressed"] else v for n, v in zip(names, groups, strict=True)])  # fmt: skip
    failed = [r for r in data["selfie_outcomes"] if r["cause"] != "matched"]
    fig.chart = _bars(
        "failures",
        title,
        [(str(CAUSE_LABELS[r["cause"]]), _cell(r, "count")) for r in failed],
    )
    return fig


def _locks(data: dict) -> Figure:
    title = _("Locks: blocks by kind and how long until the desk lifted them")
    fig = Figure("locks", title, [_("Kind"), _("Blocks"), _("Lifted"), _("Median hours blocked"),
                 _("90th percentile hours blocked")])  # fmt: skip
    kinds = dict(BlockKind.choices)
    for r in data["locks"]["kinds"]:
        fig.rows.append([kinds[r["kind"]], _cell(r, "blocks"), _cell(r, "lifted"),
                         _cell(r, "median_hours"), _cell(r, "p90_hours")])  # fmt: skip
    ever = data["locks"]["ever_blocked"]
    fig.rows.append([_("Members ever blocked (up to the end of the period)"),
                     _cell(ever, "ever_blocked"), None, _pct(ever["share"]) if ever["share"] is not None else _cell(ever, "share"), None])  # fmt: skip
    fig.chart = _bars(
        "locks",
        title,
        [(str(kinds[r["kind"]]), _cell(r, "blocks")) for r in data["locks"]["kinds"]],
    )
    return fig


def _cash(data: dict) -> Figure:
    title = _("Time to cash: hours from submission to payment")
    fig = Figure("cash", title, [_("Channel"), _("Claims paid"), _("Median hours"),
                 _("90th percentile hours"), _("99th percentile hours")])  # fmt: skip
    channels = dict(Channel.choices)
    items = []
    for r in data["time_to_cash"]["channels"]:
        fig.rows.append([channels[r["channel"]], _cell(r, "count"), _cell(r, "median_hours"),
                         _cell(r, "p90_hours"), _cell(r, "p99_hours")])  # fmt: skip
        for name, label in (
            ("median_hours", _("median")),
            ("p90_hours", "p90"),
            ("p99_hours", "p99"),
        ):
            items.append(
                (f"{channels[r['channel']].split(' (')[0]} {label}", _cell(r, name))
            )
    fig.chart = _bars("cash", title, items)
    return fig


def _breaches(data: dict) -> Figure:
    late = data["time_to_cash"]["sla_breaches"]
    title = _("Claims past their SLA day: %(n)s") % {"n": _cell(late, "count")}
    fig = Figure("breaches", title, [_("Channel"), _("Claims past their SLA day"),
                 _("Not paid yet"), _("Median days late"), _("90th percentile days late")])  # fmt: skip
    channels = dict(Channel.choices)
    for r in late["channels"]:
        fig.rows.append([channels[r["channel"]], _cell(r, "count"), _cell(r, "not_paid"),
                         _cell(r, "median_days_late"), _cell(r, "p90_days_late")])  # fmt: skip
    fig.note = _(
        "Counts and days late only, never which claim: the claims officers' pages list the claims. Days late run to today for a claim not paid yet."
    )
    return fig


def _policy(data: dict) -> Figure:
    title = _("Did the policy changes help? Blocks per 1,000 selfie sessions")
    fig = Figure("policy", title, [_("Changed on"), _("Window"), _("Attempts allowed"),
                 _("Threshold"), _("Selfie sessions"), _("Biometric blocks"),
                 _("Blocks per 1,000 sessions"), _("Impostors through (calibration)"),
                 _("Look-alikes through (calibration)")])  # fmt: skip
    items = []
    for change in data["policy_changes"]:
        for side, label in (("before", _("before")), ("after", _("after"))):
            s = change[side]
            fig.rows.append([change["changed_on"], f"{label}: {s['from']} – {s['to']}",
                             s["max_attempts"], s["threshold"], _cell(s, "sessions"), _cell(s, "blocks"),
                             _cell(s, "blocks_per_1000"), _pct(s["impostor_accepted"]),
                             _pct(s["lookalike_accepted"])])  # fmt: skip
            items.append(
                (f"{change['changed_on']} {label}", _cell(s, "blocks_per_1000"))
            )
    fig.chart = _bars("policy", title, items)
    fig.note = (
        _("No change of the attempt limit or threshold in this period.")
        if not items
        else ""
    )
    return fig


def _learning(data: dict) -> Figure:
    title = _("Blocks per 1,000 selfie sessions: tutorial and quiz vs. neither")
    fig = Figure("learning", title, [_("Members who…"), _("Selfie sessions"), _("Biometric blocks"),
                 _("Blocks per 1,000 sessions")])  # fmt: skip
    for r in data["learning"]:
        fig.rows.append([LEARNING_LABELS[r["group"]], _cell(r, "sessions"), _cell(r, "blocks"),
                         _cell(r, "blocks_per_1000")])  # fmt: skip
    fig.chart = _bars(
        "learning",
        title,
        [
            (str(LEARNING_LABELS[r["group"]]), _cell(r, "blocks_per_1000"))
            for r in data["learning"]
        ],
    )
    return fig


def _visits(data: dict) -> Figure:
    title = _("Desk visits per week by reason")
    reasons = dict(VisitReason.choices)
    fig = Figure("visits", title, [_("Week of"), *reasons.values(), _("Total")])
    for r in data["desk_visits"]:
        fig.rows.append([r["week"], *[HIDDEN if k in r["suppressed"] else r["reasons"][k] for k in reasons],
                         _cell(r, "total")])  # fmt: skip
    weeks = [r["week"][5:] for r in data["desk_visits"]]
    series = {
        str(label): [r["reasons"][k] for r in data["desk_visits"]]
        for k, label in reasons.items()
    }
    fig.chart = lines_svg(weeks, series, title=title, chart_id="chart-visits",
                          empty_text=_("No data in this period"))  # fmt: skip
    return fig


BUILDERS = {"funnel": _funnel, "failures": _failures, "locks": _locks, "cash": _cash,
            "breaches": _breaches, "policy": _policy, "learning": _learning, "visits": _visits}  # fmt: skip


def figures_build(data: dict) -> list[Figure]:
    return [BUILDERS[key](data) for key in FIGURES]


def figure_build(data: dict, key: str) -> Figure:
    return BUILDERS[key](data)
