"""Form values as the process receives them: a date-time typed in local time is a moment in UTC."""

from __future__ import annotations

import base64
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from engine.domain import form_rows
from engine.domain.errors import InvalidData
from engine.domain.file_kinds import Upload
from engine.domain.forms import clean_form_data
from engine.domain.forms import form_field

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8 all year, no daylight saving
ARRIVAL = {"fields": [form_field("arrived_at", "datetime", "到达时间", None, {"required": None}, {}, [])]}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2026-03-03T14:30", "2026-03-03T06:30:00+00:00"),  # the browser's datetime-local, 14:30 in Shanghai
        ("2026-03-03 14:30", "2026-03-03T06:30:00+00:00"),
        ("2026-03-03T01:15", "2026-03-02T17:15:00+00:00"),  # early morning: the day before in UTC
        ("2026-03-03T14:30:00+00:00", "2026-03-03T14:30:00+00:00"),  # an API client's moment with offset
        ("2026-03-03T14:30:00+09:00", "2026-03-03T05:30:00+00:00"),
    ],
)
def test_a_date_time_is_stored_as_the_moment_in_utc(typed: str, stored: str) -> None:
    assert clean_form_data(ARRIVAL, {"arrived_at": typed}, SHANGHAI) == {"arrived_at": stored}


@pytest.mark.parametrize("typed", ["2026-03-03", "14:30", "tomorrow", "2026-02-30T10:00"])
def test_a_date_without_a_time_or_no_date_at_all_is_refused(typed: str) -> None:
    with pytest.raises(InvalidData) as refused:
        clean_form_data(ARRIVAL, {"arrived_at": typed}, SHANGHAI)
    assert refused.value.errors["arrived_at"].msgid == "must be a date and time (YYYY-MM-DD HH:MM)"


def test_a_required_date_time_left_empty_is_refused() -> None:
    with pytest.raises(InvalidData) as refused:
        clean_form_data(ARRIVAL, {"arrived_at": " "}, SHANGHAI)
    assert refused.value.errors["arrived_at"].msgid == "this field is required"


# A parts list as the policy's slips write it (S2 5.2.1.3: parts issued with part number and
# quantity), priced per line, and the quote's total over labour and parts.
PARTS_FORM = {
    "fields": [
        form_field(
            "parts",
            "rows",
            "配件",
            None,
            {},
            {
                "column.part_no": "text|零件号|required",
                "column.qty": "integer|数量|required",
                "column.unit_price": "decimal|单价",
                "column.amount": "decimal|金额|=qty*unit_price",
                "max_rows": "3",
            },
            [],
        ),
        form_field("labour_fee", "decimal", "服务费", None, {"required": None}, {}, []),
        form_field("total", "decimal", "合计", None, {}, {"total_of": "labour_fee+parts.amount"}, []),
    ]
}


def test_rows_posted_as_flat_cells_are_typed_priced_and_totalled() -> None:
    posted = {
        "parts-0-part_no": "YB-32",
        "parts-0-qty": "2",
        "parts-0-unit_price": "180.50",
        "parts-1-part_no": "",  # a blank row the page offered, left empty
        "parts-1-qty": "",
        "parts-2-part_no": "MS-8",
        "parts-2-qty": "4",
        "parts-2-unit_price": "12",
        "parts-2-amount": "48",  # typed, and it agrees: 4 × 12
        "labour_fee": "300",
    }
    cleaned = clean_form_data(PARTS_FORM, posted, SHANGHAI)
    assert cleaned["parts"] == [
        {"part_no": "YB-32", "qty": 2, "unit_price": Decimal("180.50"), "amount": Decimal("361.00")},
        {"part_no": "MS-8", "qty": 4, "unit_price": Decimal("12"), "amount": Decimal("48")},
    ]
    assert cleaned["total"] == Decimal("709.00")  # 300 + 2 × 180.50 + 4 × 12


def test_rows_from_the_api_are_a_list_of_objects_and_a_line_without_price_has_no_amount() -> None:
    cleaned = clean_form_data(PARTS_FORM, {"parts": [{"part_no": "YB-32", "qty": 1}], "labour_fee": "100"}, SHANGHAI)
    assert cleaned["parts"] == [{"part_no": "YB-32", "qty": 1}]
    assert cleaned["total"] == Decimal("100")  # the unpriced line adds nothing


def test_each_bad_cell_is_named_by_its_row_and_column() -> None:
    posted = {
        "parts-0-part_no": "YB-32",
        "parts-0-qty": "two",
        "parts-1-qty": "",  # a blank row between
        "parts-2-qty": "1",  # no part number
        "parts-3-part_no": "MS-8",
        "parts-3-qty": "4",
        "parts-3-unit_price": "12",
        "parts-3-amount": "50",
        "labour_fee": "300",
    }
    with pytest.raises(InvalidData) as refused:
        clean_form_data(PARTS_FORM, posted, SHANGHAI)
    errors = refused.value.errors
    assert {key: error.msgid for key, error in errors.items()} == {
        "parts-0-qty": "must be a whole number",
        "parts-2-part_no": "this field is required",
        "parts-3-amount": "must equal %(parts)s = %(total)s",
    }  # each under the name of the input it is about, the blank row counted
    assert str(errors["parts-3-amount"]) == "must equal 数量 × 单价 = 48.00"


def test_more_rows_than_the_field_allows_or_rows_that_are_no_list_are_refused() -> None:
    four = [{"part_no": f"P{n}", "qty": 1} for n in range(4)]
    with pytest.raises(InvalidData) as refused:
        clean_form_data(PARTS_FORM, {"parts": four, "labour_fee": "1"}, SHANGHAI)
    assert str(refused.value.errors["parts"]) == "at most 3 rows"
    with pytest.raises(InvalidData) as refused:
        clean_form_data(PARTS_FORM, {"parts": "YB-32 x2", "labour_fee": "1"}, SHANGHAI)
    assert str(refused.value.errors["parts"]) == "must be a list of rows"
    with pytest.raises(InvalidData) as refused:
        clean_form_data(PARTS_FORM, {"parts": [{"part_no": "A", "qty": 1, "colour": "red"}], "labour_fee": "1"})
    assert str(refused.value.errors["parts-0-colour"]) == "not a column of this table"


LINES_FORM = {
    "fields": [
        form_field(
            "lines",
            "rows",
            "明细",
            None,
            {},
            {"column.kind": "enum|类别|required|options=labour:工时费,parts:配件", "column.qty": "decimal|数量"},
            [],
        )
    ]
}


def test_a_choice_column_takes_one_of_its_options_and_names_the_rest() -> None:
    cleaned = clean_form_data(LINES_FORM, {"lines-0-kind": "parts", "lines-0-qty": "2"}, SHANGHAI)
    assert cleaned["lines"] == [{"kind": "parts", "qty": Decimal(2)}]
    with pytest.raises(InvalidData) as refused:
        clean_form_data(LINES_FORM, {"lines-0-kind": "配件", "lines-1-kind": "travel"}, SHANGHAI)
    assert {key: error.msgid for key, error in refused.value.errors.items()} == {
        "lines-0-kind": "choose one of the listed options",  # the id, not the name shown
        "lines-1-kind": "choose one of the listed options",
    }


def test_a_choice_column_without_options_is_refused_when_the_form_is_read() -> None:
    with pytest.raises(ValueError, match="give its options"):
        form_rows.columns_of({"column.kind": "enum|类别"})
    with pytest.raises(ValueError, match="id:name with an identifier id"):
        form_rows.columns_of({"column.kind": "enum|类别|options=1st:一"})
    columns = form_rows.columns_of({"column.kind": "enum|类别|options=labour:工时费,parts:配件"})
    assert form_rows.named_cells(columns, [{"kind": "parts", "qty": 2}]) == [{"kind": "配件", "qty": 2}]


def test_a_refusal_gives_its_reason_and_an_acceptance_need_not() -> None:
    form = {
        "fields": [
            form_field("accepted", "boolean", "同意", None, {}, {"choices": "同意|拒绝"}, []),
            form_field("note", "string", "意见", None, {}, {"required_unless": "accepted"}, []),
        ]
    }
    assert clean_form_data(form, {"accepted": "true"}) == {"accepted": True}
    with pytest.raises(InvalidData) as refused:
        clean_form_data(form, {"accepted": "false", "note": "  "})
    assert set(refused.value.errors) == {"note"}
    assert clean_form_data(form, {"accepted": "false", "note": "太贵"}) == {"accepted": False, "note": "太贵"}


RECEIPTS = {"fields": [form_field("receipts", "files", "票据", None, {"required": None}, {}, [])]}
TICKET = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_files_come_from_a_web_form_or_as_base64_and_are_checked_by_their_bytes() -> None:
    sent = [
        Upload("车票.png", TICKET),
        {"filename": "hotel.pdf", "content_base64": base64.b64encode(b"%PDF-1.4").decode()},
    ]
    kept = clean_form_data(RECEIPTS, {"receipts": sent})["receipts"]
    assert [(item.name, item.content_type) for item in kept] == [
        ("车票.png", "image/png"),
        ("hotel.pdf", "application/pdf"),
    ]


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ([], "this field is required"),
        ([Upload("", b"")], "this field is required"),  # a file input left empty
        ([Upload("ticket.png", b"MZ\x90\x00")], "ticket.png: only these kinds of file are accepted"),  # not a PNG
        ([{"filename": "a.pdf", "content_base64": "not base64!"}], "content_base64 must be base64"),
        (["a.pdf"], "must be files: objects with filename and content_base64"),
        ([Upload(f"{n}.png", TICKET) for n in range(21)], "at most 20 files"),
    ],
)
def test_files_that_are_not_receipts_are_refused_with_the_reason(sent: list, message: str) -> None:
    with pytest.raises(InvalidData) as refused:
        clean_form_data(RECEIPTS, {"receipts": sent})
    assert str(refused.value.errors["receipts"]).startswith(message)
