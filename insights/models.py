"""Daily rollups of the effectiveness figures; the only tables insights writes.

Every figure of /desk/insights/ is a sum over these rows: counts per day and
dimension (`DailyFigure`), duration histograms per day (`DailyDuration`, log
buckets of about 5%, so medians and percentiles are read from the sums), and the
claims that missed their SLA (`SlaBreach`). The monthly tables hold the same
rows summed per month, so a year reads about twelve rows where it would read 365.
`RollupDay` records which days are built; the nightly task continues from there.
"""

from django.db import models


class _Rollup(models.Model):
    """What every rollup row is keyed by: the day, the figure and its first groups."""

    day = models.DateField()
    metric = models.CharField(max_length=24)
    path = models.CharField(max_length=8, blank=True)
    claim_type = models.CharField(max_length=16, blank=True)
    cause = models.CharField(max_length=24, blank=True)

    class Meta:
        abstract = True


class _Figure(_Rollup):
    age_group = models.CharField(max_length=8, blank=True)
    gender = models.CharField(max_length=1, blank=True)
    cohort = models.CharField(max_length=8, blank=True)
    branch = models.CharField(max_length=40, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.count}"


class _Duration(_Rollup):
    bucket = models.SmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.metric} b{self.bucket} {self.count}"


class DailyFigure(_Figure):
    """How many events of `metric` happened on `day` for one combination of groups."""

    class Meta:
        permissions = [("insights_view", "Read the effectiveness figures")]
        indexes = [models.Index(fields=["metric", "day"])]


class MonthlyFigure(_Figure):
    """The DailyFigure rows of a month summed (`day` is its first day)."""

    class Meta:
        indexes = [models.Index(fields=["metric", "day"])]


class DailyDuration(_Duration):
    """A histogram bucket: `count` durations of `metric` ending on `day`."""

    class Meta:
        indexes = [models.Index(fields=["metric", "day"])]


class MonthlyDuration(_Duration):
    """The DailyDuration rows of a month summed (`day` is its first day)."""

    class Meta:
        indexes = [models.Index(fields=["metric", "day"])]


class SlaBreach(models.Model):
    """A claim still unpaid (and not decided against) after its SLA day."""

    reference = models.CharField(max_length=20, unique=True)
    claim_type = models.CharField(max_length=16)
    channel = models.CharField(max_length=8)
    submitted_at = models.DateTimeField()
    sla_due = models.DateField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sla_due", "reference"]
        indexes = [models.Index(fields=["sla_due"])]

    def __str__(self) -> str:
        return f"{self.reference} due {self.sla_due}"


class RollupDay(models.Model):
    """One built day: when it was rolled up and how long that took."""

    day = models.DateField(unique=True)
    built_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)
