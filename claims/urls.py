from django.urls import path

from . import paper_views, views

app_name = "claims"
urlpatterns = [
    path("claims/", views.index, name="index"),
    path("claims/start/", views.start, name="start"),
    path("claims/bank/callback/", views.bank_callback, name="bank-callback"),
    path("claims/<str:reference>/", views.detail, name="detail"),
    path("claims/<str:reference>/continue/", views.resume, name="continue"),
    path("claims/<str:reference>/kpj/", views.kpj, name="kpj"),
    path("claims/<str:reference>/bank/", views.bank, name="bank"),
    path("claims/<str:reference>/documents/", views.documents, name="documents"),
    path(
        "claims/<str:reference>/documents/<int:pk>/",
        views.document_file,
        name="document",
    ),
    path("claims/<str:reference>/selfie/", views.selfie, name="selfie"),
    path("claims/<str:reference>/review/", views.review, name="review"),
    path("claims/<str:reference>/cancel/", views.cancel, name="cancel"),
    path("claims/<str:reference>/resubmit/", views.resubmit, name="resubmit"),
    path("claims/<str:reference>/appeal/", views.appeal, name="appeal"),
    # The documents a member keeps, and their public check (claims/papers.py).
    path(
        "claims/<str:reference>/receipt.pdf",
        paper_views.paper,
        {"kind": "receipt"},
        name="receipt",
    ),
    path(
        "claims/<str:reference>/payment.pdf",
        paper_views.paper,
        {"kind": "payment"},
        name="payment",
    ),
    path(
        "claims/<str:reference>/tax-slip.pdf",
        paper_views.paper,
        {"kind": "tax-slip"},
        name="tax-slip",
    ),
    path("verify/<str:code>/", paper_views.paper_verify, name="paper-verify"),
]
