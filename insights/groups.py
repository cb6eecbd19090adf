"""The groups every figure is cut by: age group, selfie cause, duration bucket."""

import datetime as dt
import math

# Log buckets of e^(1/20) ≈ 5.1%: a bucket's value is within ~2.5% of any
# duration in it, and a year of durations needs under 350 buckets.
BUCKETS_PER_E = 20

AGE_GROUPS = ("<30", "30-44", "45-55", ">55", "unknown")
GENDERS = ("M", "F")
PATHS = ("online", "desk")
CHANNELS = ("online", "review")
COHORTS = ("tutorial", "quiz", "both", "none")

STEPS = (
    "registered",
    "activated",
    "data_updated",
    "claim_started",
    "selfie_passed",
    "submitted",
    "paid",
)
CLAIM_STEPS = ("claim_started", "submitted", "paid")

# Selfie outcomes by cause, in the order the page lists them.
CAUSES = (
    "matched",
    "not_matched",
    # The camera check (liveness): refused as not live, or asked to try again.
    "not_live",
    "retry",
    "no_face",
    "several_faces",
    "too_dark",
    "too_bright",
    "blurred",
    "glasses",
    "face_cut",
    "face_too_small",
    "error",
    "other",
)
FAILURE_CAUSES = CAUSES[1:]
_OUTCOMES = ("matched", "not_matched", "not_live", "retry", "error")
_QUALITY_CODES = set(CAUSES) - {*_OUTCOMES, "other"}


def age_group(birth_date: dt.date | None, on: dt.date) -> str:
    """'<30', '30-44', '45-55', '>55' on the given day; 'unknown' without a birth date."""
    if birth_date is None:
        return "unknown"
    age = (
        on.year
        - birth_date.year
        - ((on.month, on.day) < (birth_date.month, birth_date.day))
    )
    if age < 30:
        return "<30"
    if age <= 44:
        return "30-44"
    if age <= 55:
        return "45-55"
    return ">55"


def selfie_cause(status: str, findings: list | None) -> str:
    """One cause per final selfie attempt: its outcome, or its first quality finding."""
    if status in _OUTCOMES:
        return status
    for finding in findings or []:
        code = str(finding.get("code", "")) if isinstance(finding, dict) else ""
        if code == "metrics" or not code:
            continue
        if "glasses" in code or "lens" in code:
            return "glasses"
        return code if code in _QUALITY_CODES else "other"
    return "other"


def cohort(*, tutorial: bool, quiz: bool) -> str:
    if tutorial and quiz:
        return "both"
    return "tutorial" if tutorial else "quiz" if quiz else "none"


def bucket_of(seconds: float) -> int:
    return round(math.log(max(seconds, 1.0)) * BUCKETS_PER_E)


def bucket_seconds(bucket: int) -> float:
    return math.exp(bucket / BUCKETS_PER_E)


def nearest_rank(histogram: dict[int, int], share: float) -> int | None:
    """The key below which `share` of the counted values lie (nearest rank)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(math.ceil(share * total), 1)
    seen = 0
    for key in sorted(histogram):
        seen += histogram[key]
        if seen >= rank:
            return key
    return None  # pragma: no cover (rank <= total)


def percentile(histogram: dict[int, int], share: float) -> float | None:
    """The value below which `share` of the durations lie (nearest rank), in seconds."""
    bucket = nearest_rank(histogram, share)
    return None if bucket is None else bucket_seconds(bucket)
