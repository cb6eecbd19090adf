"""A staff member's branch: the menu's walk-in queue opens on it."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from frontoffice.models import StaffPost
from participants.models import AuditRecord
from tests.conftest import STAFF_PASSWORD, staff_login
from tutorials.models import Branch
from tutorials.selectors import branch_list


def _menu_queue(client) -> str:
    return client.get(reverse("frontoffice:index")).content.decode()


def test_create_staff_posts_the_officer_and_the_menu_opens_their_queue(branch):
    bekasi = Branch.objects.create(code="bekasi", name="Bekasi", address="Bekasi")
    call_command(
        "create_staff", "ani", "--role", "front_office", "--password",
        STAFF_PASSWORD, "--branch", "bekasi", stdout=StringIO(),
    )  # fmt: skip
    user = get_user_model().objects.get(username="ani")
    assert StaffPost.objects.get(user=user).branch == bekasi
    record = AuditRecord.objects.get(action="staff_post_set")
    assert record.new_value == {"username": "ani", "branch": "bekasi"}
    client = staff_login(user)
    menu = _menu_queue(client)
    assert reverse("frontoffice:queue", args=["bekasi"]) in menu
    first = branch_list().first()
    assert first != bekasi
    assert reverse("frontoffice:queue", args=[first.code]) not in menu
    # A closed branch is no one's queue: the menu falls back to the first open one.
    bekasi.is_active = False
    bekasi.save()
    assert reverse("frontoffice:queue", args=[first.code]) in _menu_queue(client)


def test_an_unknown_or_closed_branch_creates_nothing(branch):
    Branch.objects.create(code="tutup", name="Tutup", address="-", is_active=False)
    for code in ("nowhere", "tutup"):
        with pytest.raises(CommandError, match=f"No open branch has the code {code}"):
            call_command(
                "create_staff", "budi", "--role", "front_office", "--password",
                STAFF_PASSWORD, "--branch", code, stdout=StringIO(),
            )  # fmt: skip
    assert not get_user_model().objects.filter(username="budi").exists()
    assert not StaffPost.objects.exists()
    assert not AuditRecord.objects.exists()


def test_the_admin_moves_an_officer_to_another_branch_audited(
    admin, admin_user, front_office_user, branch
):
    bekasi = Branch.objects.create(code="bekasi", name="Bekasi", address="Bekasi")
    closed = Branch.objects.create(code="tutup", name="Tutup", address="-")
    closed.is_active = False
    closed.save()
    add = reverse("admin:frontoffice_staffpost_add")
    form = admin.get(add).content.decode()
    assert 'value="tutup"' not in form and f'value="{closed.pk}"' not in form
    response = admin.post(add, {"user": front_office_user.pk, "branch": branch.pk})
    assert response.status_code == 302
    post = StaffPost.objects.get(user=front_office_user)
    change = reverse("admin:frontoffice_staffpost_change", args=[post.pk])
    admin.post(change, {"user": front_office_user.pk, "branch": bekasi.pk})
    post.refresh_from_db()
    assert post.branch == bekasi
    moves = AuditRecord.objects.filter(action="staff_post_set").order_by("pk")
    assert [(m.old_value["branch"], m.new_value["branch"]) for m in moves] == [
        (None, "pusat"),
        ("pusat", "bekasi"),
    ]
    assert all(m.actor == admin_user for m in moves)
    # A closed branch cannot be chosen.
    refused = admin.post(change, {"user": front_office_user.pk, "branch": closed.pk})
    assert refused.status_code == 200
    post.refresh_from_db()
    assert post.branch == bekasi
