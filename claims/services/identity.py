"""The selfie requirement of a claim: the one place that talks to biometrics."""

from claims.models import Claim


def selfie_passed(*, claim: Claim) -> bool:
    """True when the participant's face matched after the claim was started."""
    try:
        from biometrics.selectors import selfie_verified_since
    except ImportError:
        selfie_verified_since = None
    if selfie_verified_since is not None:
        attempt = selfie_verified_since(
            participant=claim.participant, since=claim.created_at
        )
        return attempt is not None
    try:
        from biometrics.models import SelfieAttempt
    except ImportError:
        return False
    return SelfieAttempt.objects.filter(
        participant=claim.participant,
        status="matched",
        created_at__gte=claim.created_at,
    ).exists()


def biometric_blocked(*, claim: Claim) -> bool:
    try:
        from biometrics.selectors import biometric_status
    except ImportError:
        return False
    return bool(biometric_status(participant=claim.participant).get("blocked"))
