import csv
import datetime as dt
import shutil
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from PIL import Image

from biometrics.models import FaceReference
from participants.models import Contribution, Employer, Employment, Participant
from participants.services.registry_csv import MEMBER_COLUMNS
from tests.factories import nik_for

pytestmark = pytest.mark.django_db
FACES = Path(__file__).resolve().parents[2] / "demo" / "faces"


def _row(serial: int, **changes) -> dict:
    born = changes.pop("born", dt.date(1990, 5, 17))
    gender = changes.get("gender", "M")
    row = {
        "nik": nik_for(born, gender, serial),
        "kpj": f"{30000000000 + serial:011d}",
        "full_name": f"Agus Setiawan {serial}",
        "birth_date": born.isoformat(),
        "gender": gender,
        "email": f"agus{serial}@example.id",
        "phone": "081234567890",
        "employer": "PT Maju Bersama",
        "membership_start": "2020-01-01",
        "membership_end": "2021-12-31",
        "monthly_wage": "5000000",
        "photo": "",
    }
    row.update(changes)
    return row


def _csv(
    tmp_path: Path,
    rows: list[dict],
    columns=MEMBER_COLUMNS,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    path = tmp_path / "members.csv"
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, extrasaction="ignore", delimiter=delimiter
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def _import(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_members", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Participant, Employment, Contribution, Employer, FaceReference)
    }


def test_good_rows_load_and_a_bad_row_is_reported_by_line_and_saves_nothing(
    tmp_path,
):
    bad = _row(2, employer="PT Hanya Di Baris Salah") | {"gender": "F"}  # NIK: male
    path = _csv(tmp_path, [_row(1), bad, _row(3)])

    out, err = _import(path)

    assert "line 3: gender: Gender does not match the NIK." in err
    assert "2 created, 0 updated, 0 unchanged, 1 failed" in out
    assert not Participant.objects.filter(kpj=bad["kpj"]).exists()
    assert not Employer.objects.filter(name="PT Hanya Di Baris Salah").exists()
    member = Participant.objects.get(kpj=_row(1)["kpj"])
    # 24 months of 5.7% of Rp 5.000.000.
    assert member.contributions.count() == 24
    assert member.balance == 24 * 285_000
    job = member.employments.get()
    assert (job.start, job.end) == (dt.date(2020, 1, 1), dt.date(2021, 12, 31))
    assert member.membership_start == dt.date(2020, 1, 1)
    assert member.user is None


def test_an_empty_membership_end_means_still_employed_through_the_current_month(
    tmp_path,
):
    path = _csv(tmp_path, [_row(1, membership_start="2025-06-10", membership_end="")])
    with time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC)):
        _import(path)
    member = Participant.objects.get()
    periods = list(member.contributions.order_by("period").values_list("period"))
    assert periods[0] == (dt.date(2025, 6, 1),)
    assert periods[-1] == (dt.date(2026, 11, 1),)
    assert len(periods) == 18
    assert member.employments.get().end is None


def test_running_the_same_file_again_changes_nothing(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(FACES / "ag_obama" / "1.jpg", photos / "obama.jpg")
    path = _csv(tmp_path, [_row(1, photo="obama.jpg"), _row(2)])
    _import(path, "--photos", str(photos))
    before = _counts()
    balance = Participant.objects.get(kpj=_row(1)["kpj"]).balance

    out, err = _import(path, "--photos", str(photos))

    assert "0 created, 0 updated, 2 unchanged, 0 failed" in out
    assert err == ""
    assert _counts() == before
    assert Participant.objects.get(kpj=_row(1)["kpj"]).balance == balance


def test_the_photo_column_becomes_a_registry_face_reference(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(FACES / "ag_obama" / "1.jpg", photos / "obama.jpg")
    _import(_csv(tmp_path, [_row(1, photo="obama.jpg")]), "--photos", str(photos))

    reference = FaceReference.objects.get()
    assert reference.participant.kpj == _row(1)["kpj"]
    assert reference.source == "registry"
    assert len(reference.encoding) == 128


def test_a_photo_without_a_face_fails_the_row_and_saves_nothing(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    Image.new("RGB", (480, 480), (120, 135, 150)).save(photos / "wall.jpg")
    path = _csv(tmp_path, [_row(1, photo="wall.jpg", employer="PT Foto Kosong")])

    out, err = _import(path, "--photos", str(photos))

    assert err.startswith("line 2: This photo cannot be a face reference")
    assert "1 failed" in out
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_a_photo_missing_from_the_folder_is_a_row_error(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    _out, err = _import(
        _csv(tmp_path, [_row(1, photo="../members.csv")]), "--photos", str(photos)
    )
    assert "line 2: photo: '../members.csv' is not a file in" in err
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"nik": "32010117059"}, "nik: NIK must be exactly 16 digits."),
        ({"kpj": "1234567890"}, "kpj: KPJ number must be exactly 11 digits."),
        ({"birth_date": "17/05/1990"}, "birth_date: '17/05/1990' is not a date"),
        ({"born": dt.date(1991, 5, 17), "birth_date": "1990-05-17"}, "birth_date:"),
        ({"gender": "X"}, "gender: must be M or F"),
        ({"email": "agus-at-example"}, "email: Enter a valid email address."),
        ({"membership_end": "2019-12-31"}, "membership_end: before membership_start"),
        # Year 1 would have recorded 24,000 monthly contributions.
        ({"membership_start": "0001-01-01"}, "membership_start: before birth_date"),
        ({"membership_start": "1990-05-16"}, "membership_start: before birth_date"),
        ({"membership_start": "2020-W01"}, "membership_start: '2020-W01' is not"),
        (
            {"membership_start": "2999-01-01"},
            "membership_start: cannot be in the future",
        ),
        (
            {"monthly_wage": "5.000.000"},
            "monthly_wage: must be a positive whole number",
        ),
        ({"monthly_wage": "0"}, "monthly_wage: must be a positive whole number"),
        ({"monthly_wage": "9" * 30}, "monthly_wage: at most 10000000000"),
        ({"employer": " "}, "employer: required"),
        ({"employer": "PT " + "B" * 400}, "employer: required, at most 200"),
        # The database cannot store a NUL; other control bytes are no text either.
        ({"full_name": "Agus\x00Setiawan"}, "full_name: contains a control character"),
        ({"employer": "PT\x00Maju"}, "employer: contains a control character"),
        ({"phone": "0812\x1b3456"}, "phone: contains a control character"),
        ({"phone": "=1+2"}, "phone: Enter an Indonesian mobile number"),
        ({"phone": "81234567890"}, "phone: Enter an Indonesian mobile number"),
    ],
)
def test_each_invalid_field_is_a_row_error_naming_the_field(tmp_path, changes, reason):
    out, err = _import(_csv(tmp_path, [_row(1, **changes), _row(2)]))
    assert err.startswith("line 2: ")
    assert reason in err
    assert "1 created" in out and "1 failed" in out  # the next row still loads
    assert Participant.objects.get().kpj == _row(2)["kpj"]


def test_a_birth_date_in_the_future_is_refused(tmp_path):
    born = dt.date.today() + dt.timedelta(days=30)
    row = _row(1, birth_date=born.isoformat())
    _out, err = _import(_csv(tmp_path, [row]))
    assert "birth_date: cannot be in the future" in err


def test_a_second_row_for_the_same_member_adds_the_other_job(tmp_path):
    later = _row(
        1, employer="PT Karya Baru", membership_start="2022-03-01", membership_end=""
    )
    out, _err = _import(_csv(tmp_path, [_row(1), later]))

    assert "1 created, 1 updated" in out
    member = Participant.objects.get()
    assert member.employments.count() == 2
    assert member.employments.filter(end__isnull=True).count() == 1
    assert member.membership_start == dt.date(2020, 1, 1)


def test_a_row_that_contradicts_the_registered_member_is_refused(tmp_path):
    _import(_csv(tmp_path, [_row(1)]))
    other_kpj = _row(1, kpj="39999999999", employer="PT Lain")
    other_name = _row(1, full_name="Bukan Agus", employer="PT Lain")

    _out, err = _import(_csv(tmp_path, [other_kpj, other_name]))

    assert "line 2: nik/kpj: this NIK or KPJ is registered to another member" in err
    assert "line 3: full_name: differs from the registered member" in err
    assert Participant.objects.get().full_name == "Agus Setiawan 1"
    assert not Employer.objects.filter(name="PT Lain").exists()


def test_a_missing_file_or_missing_columns_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _import(tmp_path / "absent.csv")
    short = _csv(tmp_path, [_row(1)], columns=MEMBER_COLUMNS[:-2])
    with pytest.raises(CommandError, match="missing columns: monthly_wage, photo"):
        _import(short)


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_excels_semicolon_and_tab_separated_files_load(tmp_path, delimiter):
    """Excel in an Indonesian locale saves "CSV" with semicolons (the decimal mark
    is a comma); its "Text" export uses tabs. Excel's UTF-8 CSV starts with a BOM."""
    rows = [_row(1, full_name="Agus Setiawan, S.E."), _row(2)]
    path = _csv(tmp_path, rows, encoding="utf-8-sig", delimiter=delimiter)
    out, err = _import(path)
    assert "2 created" in out and not err
    assert Participant.objects.get(kpj=rows[0]["kpj"]).full_name == rows[0]["full_name"]


def test_a_file_not_in_utf8_is_refused_naming_the_line_and_loads_nothing(tmp_path):
    """Excel's plain "CSV" on Windows writes the local code page (cp1252 here)."""
    rows = [_row(1), _row(2, full_name="Agus Setiawan André"), _row(3)]
    path = _csv(tmp_path, rows, encoding="cp1252")
    with pytest.raises(CommandError, match=r'line 3 is not UTF-8 .*"CSV UTF-8"'):
        _import(path)
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_the_output_never_shows_a_nik_in_full(tmp_path):
    rows = [_row(1), _row(2) | {"gender": "F"}, _row(1, full_name="Bukan Agus")]
    out, err = _import(_csv(tmp_path, rows))
    assert err.count("line ") == 2
    for row in rows:
        assert row["nik"] not in out + err


def test_the_same_name_from_another_tool_is_the_same_member(tmp_path):
    """One export composes 'é', another decomposes it and curls the apostrophe."""
    _import(_csv(tmp_path, [_row(1, full_name="Ma'ruf S\u00e9tiawan")]))
    again = _row(1, full_name="Ma\u2019ruf Se\u0301tiawan")
    out, err = _import(_csv(tmp_path, [again]))
    assert "1 unchanged" in out and not err


def test_a_file_the_csv_reader_cannot_split_is_refused_before_any_row_loads(tmp_path):
    """A cell over the reader's 128 KiB limit (a stray quote swallowing the file,
    or a hostile file) used to stop the command half-way with a traceback."""
    rows = [_row(1), _row(2, full_name="A" * 200_000), _row(3)]
    with pytest.raises(
        CommandError, match=r"line 3 cannot be read as CSV .*nothing was imported"
    ):
        _import(_csv(tmp_path, rows))
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_excels_empty_rows_of_separators_are_skipped_not_failed(tmp_path):
    """Excel writes ';;;;' for rows that were once formatted, below the data."""
    path = _csv(tmp_path, [_row(1)], encoding="utf-8-sig", delimiter=";")
    with path.open("a", newline="") as handle:
        handle.write(";" * (len(MEMBER_COLUMNS) - 1) + "\r\n" + " ; ;\r\n")
    out, err = _import(path)
    assert out.strip() == "1 created, 0 updated, 0 unchanged, 0 failed" and not err


@pytest.mark.parametrize(
    "phone", ["+62 812-3456-7890", "62 812 3456 7890", "0062 812 3456 7890"]
)
def test_a_phone_in_international_form_is_stored_as_the_sms_number(tmp_path, phone):
    """The number on file is where SMS codes go: stored as the portal's forms store it."""
    out, err = _import(_csv(tmp_path, [_row(1, phone=phone)]))
    assert "1 created" in out and not err
    assert Participant.objects.get().phone == "081234567890"


@pytest.mark.parametrize(
    ("written", "stored"),
    [("L", "M"), ("p", "F"), ("Laki-laki", "M"), ("PEREMPUAN", "F")],
)
def test_the_indonesian_gender_letters_of_a_registry_export_load(
    tmp_path, written, stored
):
    """Indonesian registries write L (laki-laki) and P (perempuan), as on the KTP."""
    row = _row(1, gender=stored) | {"gender": written}
    out, err = _import(_csv(tmp_path, [row]))
    assert "1 created" in out and not err
    assert Participant.objects.get().gender == stored


def test_a_nik_and_kpj_written_for_people_load_as_the_forms_read_them(tmp_path):
    """Spaces, dots and dashes as printed on the card, and the apostrophe Excel
    users type to keep a long number as text: the forms drop them, so does the
    import (the rest of the value must still be 16 and 11 digits)."""
    row = _row(1)
    nik, kpj = row["nik"], row["kpj"]
    row |= {"nik": f"'{nik[:6]} {nik[6:12]} {nik[12:]}", "kpj": f"{kpj[:2]}-{kpj[2:]}"}
    out, err = _import(_csv(tmp_path, [row]))
    assert "1 created" in out and not err
    assert Participant.objects.filter(nik=nik, kpj=kpj).exists()


def test_excels_sep_line_and_a_doubled_bom_before_the_header_are_read(tmp_path):
    """'sep=;' first names the separator (Excel honours it; some exports write it);
    a file re-saved by a tool that adds a BOM again starts with two of them."""
    text = _csv(tmp_path, [_row(1), _row(2, gender="X")], delimiter=";").read_text()
    (tmp_path / "sep.csv").write_text("sep=;\r\n" + text, encoding="utf-8")
    out, err = _import(tmp_path / "sep.csv")
    assert "1 created" in out and err.startswith("line 4: gender")  # physical line
    (tmp_path / "bom.csv").write_text("\ufeff\ufeff" + text, encoding="utf-8")
    out, _err = _import(tmp_path / "bom.csv")
    assert "1 unchanged" in out
