"""Biometric state changes: references, selfie submission, matching and purging.

Rules: selfie verification before an online claim and at the data update; only
a real non-match counts towards the block (JHT_RULES.md, "Identity checks").

One module a concern: `enrolment` (face references, the biometric policy),
`selfies` (submit, match, decide), `upkeep` (the sweep and the retention purge),
`common` (what they share). Callers import from `biometrics.services`.
"""

from .enrolment import (
    biometric_policy_update,
    face_reference_create,
    reference_required,
)
from .selfies import selfie_process, selfie_submit
from .upkeep import selfie_retention_purge, selfie_sweep

__all__ = [
    "biometric_policy_update",
    "face_reference_create",
    "reference_required",
    "selfie_process",
    "selfie_retention_purge",
    "selfie_submit",
    "selfie_sweep",
]
