"""Reads that feed the tutorial pages and the API."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from .journeys import script_texts
from .media import Recording, recording_get
from .models import Branch, Faq, Tutorial


@dataclass
class TutorialCard:
    tutorial: Tutorial
    recording: Recording | None

    @property
    def has_video(self) -> bool:
        return bool(self.recording and self.recording.video)

    @property
    def step_texts(self) -> list[str]:
        """What to do, step by step: recorded captions, else the journey script."""
        if self.recording and self.recording.steps:
            return [step.text for step in self.recording.steps]
        return script_texts(self.tutorial.slug)

    @property
    def thumbnail(self) -> str:
        if self.recording:
            for step in self.recording.steps:
                if step.image:
                    return step.image
        return ""


def tutorial_list() -> list[TutorialCard]:
    return [
        TutorialCard(tutorial=t, recording=recording_get(t.slug))
        for t in Tutorial.objects.filter(is_published=True)
    ]


def tutorial_get(*, slug: str) -> TutorialCard | None:
    tutorial = Tutorial.objects.filter(is_published=True, slug=slug).first()
    if tutorial is None:
        return None
    return TutorialCard(tutorial=tutorial, recording=recording_get(slug))


def faq_search(*, query: str = "") -> QuerySet[Faq]:
    """Published FAQ; `query` matches question or answer in the current language."""
    faqs = Faq.objects.filter(is_published=True)
    query = query.strip()
    if query:
        suffix = "en" if (get_language() or "id")[:2] == "en" else "id"
        faqs = faqs.filter(
            Q(**{f"question_{suffix}__icontains": query})
            | Q(**{f"answer_{suffix}__icontains": query})
        )
    return faqs


def branch_list(*, open_only: bool = True) -> QuerySet[Branch]:
    """The open branches; with open_only=False the closed ones too (their past
    walk-in visits still count)."""
    return Branch.objects.filter(is_active=True) if open_only else Branch.objects.all()


def branch_get(*, code: str, open_only: bool = True) -> Branch | None:
    """The branch with this code (by default only while it is open), or None."""
    return branch_list(open_only=open_only).filter(code=code).first()
