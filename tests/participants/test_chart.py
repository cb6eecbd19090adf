import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from participants.chart import balance_chart_svg, compact_rupiah

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _english():
    # The unit words (m, bn) are translated; the expectations are the English ones.
    with translation.override("en"):
        yield


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _chart(points, **kwargs) -> str:
    return balance_chart_svg(
        points, title="Saldo JHT", desc="Saldo per tahun", empty_text="Belum ada",
        x_label="Tahun", y_label="Saldo", **kwargs,
    )  # fmt: skip


def test_it_draws_one_column_per_year_with_title_desc_and_axis_labels():
    points = [(2000 + i, 1_000_000 * (i + 1)) for i in range(31)]
    root = _parse(_chart(points))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Saldo JHT"
    assert root.find(f"{SVG}desc").text == "Saldo per tahun"
    labelled = root.get("aria-labelledby").split()
    assert labelled == [
        root.find(f"{SVG}title").get("id"),
        root.find(f"{SVG}desc").get("id"),
    ]
    bars = root.findall(f"{SVG}rect[@class='bar']")
    assert len(bars) == 31
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Tahun" in texts and "Saldo" in texts
    years = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "x-tick"]
    assert "2030" in years and len(years) <= 6
    assert bars[-1].find(f"{SVG}title").text == "2030: Rp 31.000.000"


def test_the_tallest_column_fits_under_the_highest_tick():
    root = _parse(_chart([(2020, 3_000_000), (2021, 7_300_000)]))
    bars = root.findall(f"{SVG}rect[@class='bar']")
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] < heights[1]
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "y-tick"]
    assert ticks[0] == "Rp 0" and ticks[-1] == "Rp 8 m"
    assert float(bars[1].get("y")) >= 14


def test_no_rows_gives_an_empty_frame_with_the_message():
    svg = _chart([])
    root = _parse(svg)
    assert root.findall(f"{SVG}rect") == []
    assert root.find(f"{SVG}text[@class='empty']").text == "Belum ada"
    assert root.find(f"{SVG}title").text == "Saldo JHT"


def test_one_row_gives_one_labelled_column():
    root = _parse(_chart([(2026, 285_000)]))
    bars = root.findall(f"{SVG}rect[@class='bar']")
    assert len(bars) == 1 and float(bars[0].get("height")) > 0
    years = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "x-tick"]
    assert years == ["2026"]


def test_zero_and_negative_balances_do_not_break_the_scale():
    root = _parse(_chart([(2024, 0), (2025, 0)]))
    heights = [float(b.get("height")) for b in root.findall(f"{SVG}rect[@class='bar']")]
    assert heights == [0.0, 0.0]
    assert "nan" not in _chart([(2024, -5)]).lower()


def test_every_text_is_escaped():
    svg = balance_chart_svg(
        [(2024, 1)], title="<script>alert(1)</script>", desc='"&', empty_text=""
    )
    assert "<script>" not in svg
    _parse(svg)


def test_points_are_drawn_oldest_first_whatever_order_they_come_in():
    svg = _chart([(2022, 3), (2020, 1), (2021, 2)])
    assert re.findall(r"<title>(\d{4}):", svg) == ["2020", "2021", "2022"]


def test_compact_labels_are_short_rupiah():
    assert compact_rupiah(0) == "Rp 0"
    assert compact_rupiah(950_000) == "Rp 950.000"
    assert compact_rupiah(2_500_000) == "Rp 2,5 m"
    assert compact_rupiah(1_000_000_000) == "Rp 1 bn"
