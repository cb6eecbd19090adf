"""Every state change of a claim goes through a function in this package."""

from .approval import claim_approve
from .lifecycle import (
    TRANSITIONS,
    claim_cancel,
    claim_reject,
    claim_start,
    claim_submit,
    claim_transition,
    submit_problems,
)
from .payout import (
    payout_apply,
    payout_callback,
    payout_create,
    payout_dispatch,
    payout_poll,
    payout_send,
    payout_sweep,
)
from .review import claim_appeal, claim_resubmit, claim_return
from .steps import (
    claim_bank_account_set,
    claim_document_add,
    claim_kpj_check,
    kpj_state,
)

__all__ = [
    "TRANSITIONS",
    "claim_appeal",
    "claim_approve",
    "claim_bank_account_set",
    "claim_cancel",
    "claim_document_add",
    "claim_kpj_check",
    "claim_reject",
    "claim_resubmit",
    "claim_return",
    "claim_start",
    "claim_submit",
    "claim_transition",
    "kpj_state",
    "payout_apply",
    "payout_callback",
    "payout_create",
    "payout_dispatch",
    "payout_poll",
    "payout_send",
    "payout_sweep",
    "submit_problems",
]
