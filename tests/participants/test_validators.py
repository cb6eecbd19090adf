import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jmo_portal.logging import redact
from jmo_portal.masking import mask_digits
from participants.validators import (
    nik_birth_info,
    validate_kpj,
    validate_nik,
    validate_nik_matches,
)


def test_it_reads_birth_date_and_gender_from_the_nik():
    assert nik_birth_info("3201011708850003") == (dt.date(1985, 8, 17), "M")
    assert nik_birth_info("3201015708850003") == (dt.date(1985, 8, 17), "F")
    assert nik_birth_info("3201010101050001") == (dt.date(2005, 1, 1), "M")


@pytest.mark.parametrize(
    "bad", ["123", "32010117088500031", "3201011708850A03", "3201013213850003"]
)
def test_it_refuses_a_malformed_nik(bad):
    with pytest.raises(ValidationError):
        validate_nik(bad)


@pytest.mark.parametrize("bad", ["1234567890", "123456789012", "1234567890a"])
def test_it_refuses_a_malformed_kpj(bad):
    with pytest.raises(ValidationError):
        validate_kpj(bad)


def test_it_refuses_a_birth_date_or_gender_that_the_nik_contradicts():
    validate_nik_matches("3201011708850003", dt.date(1985, 8, 17), "M")
    with pytest.raises(ValidationError) as err:
        validate_nik_matches("3201011708850003", dt.date(1985, 8, 18), "F")
    assert set(err.value.message_dict) == {"birth_date", "gender"}


def test_personal_numbers_are_masked_in_pages_and_logs():
    assert mask_digits("3201011708850003") == "************0003"
    assert redact("NIK 3201011708850003 KPJ 12345678901 ok 2024") == (
        "NIK ************0003 KPJ *******8901 ok 2024"
    )
