from django.urls import path

from . import api, paper_api, review_api

app_name = "claims_api"
urlpatterns = [
    path("claims/", api.ClaimListCreateApi.as_view(), name="list"),
    path("claims/<str:reference>/", api.ClaimDetailApi.as_view(), name="detail"),
    path(
        "claims/<str:reference>/kpj-check/",
        api.ClaimKpjCheckApi.as_view(),
        name="kpj-check",
    ),
    path(
        "claims/<str:reference>/bank-account/",
        api.ClaimBankAccountApi.as_view(),
        name="bank-account",
    ),
    path(
        "claims/<str:reference>/documents/",
        api.ClaimDocumentApi.as_view(),
        name="documents",
    ),
    path("claims/<str:reference>/submit/", api.ClaimSubmitApi.as_view(), name="submit"),
    path(
        "claims/<str:reference>/cancel/",
        review_api.ClaimCancelApi.as_view(),
        name="cancel",
    ),
    path(
        "claims/<str:reference>/appeal/",
        review_api.ClaimAppealApi.as_view(),
        name="appeal",
    ),
    # The documents a member keeps (claims/papers.py).
    path(
        "claims/<str:reference>/receipt.pdf",
        paper_api.ClaimReceiptApi.as_view(),
        name="receipt",
    ),
    path(
        "claims/<str:reference>/payment.pdf",
        paper_api.ClaimPaymentProofApi.as_view(),
        name="payment",
    ),
    path(
        "claims/<str:reference>/tax-slip.pdf",
        paper_api.ClaimTaxSlipApi.as_view(),
        name="tax-slip",
    ),
]
