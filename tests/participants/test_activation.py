import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from jmo_portal.exceptions import ApplicationError
from participants.models import (
    ActivationRequest,
    AttemptCounter,
    Block,
    BlockKind,
)
from participants.services.activation import activation_complete
from participants.services.guards import block_lift
from participants.views import PROBES_KEY, SESSION_KEY
from tests.factories import ParticipantFactory, UserFactory, nik_for

User = get_user_model()
pytestmark = pytest.mark.django_db
START = reverse("participants:activate")
EMAIL = reverse("participants:activate_email")
CODE = reverse("participants:activate_code")
RESEND = reverse("participants:activate_code_resend")
PASSWORD = reverse("participants:activate_password")
DASHBOARD = reverse("participants:dashboard")
NO_MATCH = "The data does not match our membership records."
PASSWORD_VALUE = "Tabungan-Hari-Tua-26"


@pytest.fixture
def client(client):
    """Pages in English: the source strings (the Indonesian catalogue comes later)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def member(db):
    return ParticipantFactory(
        full_name="Siti Rahmawati",
        birth_date=dt.date(1988, 3, 14),
        gender="F",
        nik=nik_for(dt.date(1988, 3, 14), "F", 7),
        kpj="12345678901",
        email="siti@example.id",
    )


def _data(member, **changes) -> dict:
    data = {
        "nik": member.nik,
        "kpj": member.kpj,
        "full_name": member.full_name,
        "birth_date": member.birth_date.isoformat(),
    }
    return {**data, **changes}


def _code_from_outbox() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def _reach_code_step(client, member, email="siti@example.id"):
    assert client.post(START, _data(member)).url == EMAIL
    response = client.post(EMAIL, {"email": email})
    assert response.status_code == 302 and response.url == CODE
    return _code_from_outbox()


def _password_form(**changes) -> dict:
    data = {
        "phone": "0812 3456 7890",
        "password1": PASSWORD_VALUE,
        "password2": PASSWORD_VALUE,
    }
    return {**data, **changes}


def test_a_member_activates_in_three_steps_and_lands_logged_in_on_the_dashboard(
    client, member
):
    page = client.get(START).content.decode()
    assert 'name="nik"' in page and "data-help-link" in page

    response = client.post(
        START, _data(member, full_name="  siti   RAHMAWATI ", kpj="123 4567 8901")
    )
    assert response.status_code == 302 and response.url == EMAIL
    # The session keeps the request id only, never the NIK.
    assert member.nik not in str(dict(client.session))
    page = client.get(EMAIL).content.decode()
    assert 'value="siti@example.id"' in page and member.nik not in page

    assert client.post(EMAIL, {"email": "Siti.Baru@Example.id"}).url == CODE
    code = _code_from_outbox()
    assert mail.outbox[-1].to == ["siti.baru@example.id"]
    activation = ActivationRequest.objects.get(participant=member)
    assert code not in activation.code_hash and len(activation.code_hash) == 64

    assert client.post(CODE, {"code": code}).url == PASSWORD
    response = client.post(PASSWORD, _password_form(), follow=True)

    assert response.redirect_chain[-1][0] == DASHBOARD
    user = response.context["user"]
    assert user.is_authenticated and user.username == "siti.baru@example.id"
    member.refresh_from_db()
    assert (member.user, member.phone) == (user, "081234567890")
    assert SESSION_KEY not in client.session
    assert ActivationRequest.objects.get().completed_at is not None


def test_a_wrong_combination_is_counted_and_the_third_locks_the_nik_with_the_desk_message(
    client, member
):
    first = client.post(START, _data(member, full_name="Siti Rahma"))
    assert NO_MATCH in first.content.decode()
    assert "You have 2 attempts left." in first.content.decode()
    second = client.post(START, _data(member, birth_date="1988-03-15"))
    assert "You have 1 attempt left." in second.content.decode()

    third = client.post(START, _data(member, kpj="12345678900")).content.decode()

    assert "locked after too many wrong attempts" in third
    assert "front-office desk" in third and "blocked-help" in third
    block = Block.objects.active().get(participant=member)
    assert block.kind == BlockKind.ACTIVATION
    assert AttemptCounter.objects.get(participant=member).attempts_used == 3
    assert not ActivationRequest.objects.exists()


def test_a_locked_nik_is_refused_even_with_the_correct_data(client, member):
    for _ in range(3):
        client.post(START, _data(member, full_name="Someone Else"))

    response = client.post(START, _data(member))

    assert response.status_code == 200
    assert "locked after too many wrong attempts" in response.content.decode()
    assert not ActivationRequest.objects.exists()
    assert SESSION_KEY not in client.session
    assert AttemptCounter.objects.get(participant=member).attempts_used == 3


def test_after_the_desk_lifts_the_lock_the_correct_data_passes(
    client, member, front_office_user
):
    for _ in range(3):
        client.post(START, _data(member, full_name="Someone Else"))
    block_lift(
        block=Block.objects.get(participant=member),
        actor=front_office_user,
        reason="KTP checked",
    )

    assert client.post(START, _data(member)).url == EMAIL


def test_the_right_data_resets_the_failure_count(client, member):
    client.post(START, _data(member, full_name="Siti Rahma"))
    assert AttemptCounter.objects.get(participant=member).attempts_used == 1

    assert client.post(START, _data(member)).url == EMAIL
    assert AttemptCounter.objects.get(participant=member).attempts_used == 0


def test_an_unknown_nik_gets_the_same_message_and_nothing_is_stored(client, member):
    unknown = nik_for(dt.date(1990, 5, 5), "M", 4321)

    page = client.post(START, _data(member, nik=unknown)).content.decode()

    assert NO_MATCH in page and "You have 2 attempts left." in page
    assert not AttemptCounter.objects.exists() and not Block.objects.exists()
    assert unknown not in str(client.session[PROBES_KEY])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "32010155", "NIK must be exactly 16 digits."),
        ("nik", "3201019913880007", "NIK digits 7-12 must be a birth date (DDMMYY)."),
        ("kpj", "1234567", "KPJ number must be exactly 11 digits."),
        ("kpj", "1234567890A", "KPJ number must be exactly 11 digits."),
        ("birth_date", "2999-01-01", "Birth date cannot be in the future."),
    ],
)
def test_malformed_data_gets_a_form_error_and_changes_nothing(
    client, member, field, value, message
):
    response = client.post(START, _data(member, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not AttemptCounter.objects.exists()
    assert not ActivationRequest.objects.exists()


def test_an_already_activated_membership_is_told_to_log_in_or_reset_the_password(
    client, participant_user
):
    member = participant_user.participant

    page = client.post(START, _data(member)).content.decode()

    assert "This membership already has an account." in page
    assert reverse("participants:login") in page
    assert reverse("participants:password_reset") in page
    assert not ActivationRequest.objects.exists()


def test_a_wrong_code_shows_the_tries_left_and_does_not_continue(client, member):
    code = _reach_code_step(client, member)
    wrong = f"{(int(code) + 1) % 1000000:06d}"

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "The code is wrong. Tries left for this code: 4."
    ]
    assert client.get(PASSWORD).url == CODE


def test_a_mistyped_code_costs_no_try_and_spaces_are_ignored(client, member):
    code = _reach_code_step(client, member)

    for slip in ("12345", "12a456", "１２３４５６"):
        response = client.post(CODE, {"code": slip})
        assert response.context["form"].errors["code"] == ["The code has 6 digits."]
    assert ActivationRequest.objects.get().code_attempts == 0

    assert client.post(CODE, {"code": f"{code[:3]} {code[3:]}"}).url == PASSWORD


def test_an_expired_code_is_refused_with_a_send_a_new_code_button(client, member):
    code = _reach_code_step(client, member)

    with time_machine.travel(dt.timedelta(minutes=11)):
        page = client.post(CODE, {"code": code}).content.decode()
        assert "This code has expired." in page
        assert f'action="{RESEND}"' in page and "Send a new code" in page

        assert client.post(RESEND).url == CODE
        assert len(mail.outbox) == 2
        assert client.post(CODE, {"code": _code_from_outbox()}).url == PASSWORD


def test_after_five_wrong_codes_even_the_right_code_needs_a_new_one(client, member):
    code = _reach_code_step(client, member)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _ in range(5):
        response = client.post(CODE, {"code": wrong})
    assert response.context["need_new_code"] is True

    page = client.post(CODE, {"code": code}).content.decode()

    assert "Too many wrong codes. Send a new code to try again." in page
    assert ActivationRequest.objects.get().email_verified_at is None
    client.post(RESEND)
    assert client.post(CODE, {"code": _code_from_outbox()}).url == PASSWORD


def test_an_email_already_used_by_another_account_cannot_receive_a_code(client, member):
    UserFactory(username="taken@example.id")
    client.post(START, _data(member))

    response = client.post(EMAIL, {"email": "Taken@example.id"})

    assert response.context["form"].errors["email"] == [
        "This email is already used by another account."
    ]
    assert mail.outbox == []


def test_the_steps_cannot_be_skipped_without_an_activation_in_the_session(client):
    assert client.get(EMAIL).url == START
    assert client.get(PASSWORD).url == START


def test_an_invalid_phone_or_mismatched_passwords_create_no_account(client, member):
    client.post(CODE, {"code": _reach_code_step(client, member)})

    response = client.post(
        PASSWORD, _password_form(phone="12345", password2="Something-else-1")
    )

    errors = response.context["form"].errors
    assert "phone" in errors and "password2" in errors
    assert not User.objects.filter(username="siti@example.id").exists()


def test_a_double_submit_of_the_last_step_creates_one_account(client, member):
    client.post(CODE, {"code": _reach_code_step(client, member)})
    activation = ActivationRequest.objects.get()

    assert client.post(PASSWORD, _password_form()).url == DASHBOARD
    assert client.post(PASSWORD, _password_form()).url == DASHBOARD
    with pytest.raises(ApplicationError) as exc:
        activation_complete(
            activation=activation, phone="081234567890", password=PASSWORD_VALUE
        )

    assert exc.value.code == "already_active"
    assert User.objects.filter(username="siti@example.id").count() == 1


def test_password_reset_emails_a_link_that_sets_a_new_password(
    client, participant_user
):
    response = client.post(
        reverse("participants:password_reset"), {"email": participant_user.email}
    )
    assert response.url == reverse("participants:password_reset_done")
    assert mail.outbox[-1].to == [participant_user.email]
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Baru-Sekali-2026", "new_password2": "Baru-Sekali-2026"},
    )

    assert done.url == reverse("participants:password_reset_complete")
    assert client.login(username=participant_user.email, password="Baru-Sekali-2026")
    assert client.get(link).context["validlink"] is False


def test_password_reset_for_an_unknown_email_sends_nothing_but_reads_the_same(client):
    response = client.post(
        reverse("participants:password_reset"), {"email": "nobody@example.id"}
    )

    assert response.url == reverse("participants:password_reset_done")
    assert mail.outbox == []
