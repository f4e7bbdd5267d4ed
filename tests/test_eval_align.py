"""Scoring pairs each true entry of a page with the entry read for it."""

from hotich.evaluate.run import _align
from hotich.schema.entries import Entry, FieldValue


def _entry(i: int, **values: str) -> Entry:
    fields = {k: FieldValue(value=v, raw=v, confidence=0.95) for k, v in values.items()}
    return Entry(register_type="khai_sinh", entry_index=i, fields=fields)


def _row(number: str, name: str, sex: str = "Nam") -> dict[str, str]:
    return {"register_number": number, "full_name": name, "sex": sex, "ethnicity": "Kinh"}


def test_rows_not_read_leave_the_others_paired_with_their_own_row() -> None:
    """Rows 20 and 21 were lost: 22, 23, 24 are scored against 22, 23, 24 — a greedy pairing
    gave row 20 the read row 23 (both "Nam", "Kinh") and shifted every row after it."""
    truth = [
        _row("19", "NGUYỄN VĂN TÚ"),
        _row("20", "TRẦN HỮU DŨNG"),
        _row("21", "NGUYỄN VĂN SƠN"),
        _row("22", "ĐINH KIM CHÂU", "Nữ"),
        _row("23", "HỒ HỮU HÙNG"),
        _row("24", "DƯƠNG THỊ DIỆP", "Nữ"),
    ]
    read = [_entry(i, **truth[t]) for i, t in enumerate([0, 3, 4, 5])]
    paired = _align(truth, read)
    assert [e.values()["register_number"] if e else None for e in paired] == [
        "19",
        None,
        None,
        "22",
        "23",
        "24",
    ]


def test_as_many_read_as_true_are_paired_in_order_even_when_nothing_agrees() -> None:
    truth = [_row("1", "LÊ VĂN AN"), _row("2", "ĐỖ THỊ BÌNH", "Nữ")]
    read = [_entry(0, full_name="X"), _entry(1, full_name="Y")]
    assert _align(truth, read) == read


def test_an_entry_read_that_agrees_with_nothing_is_not_paired_when_counts_differ() -> None:
    truth = [_row("1", "LÊ VĂN AN")]
    read = [_entry(0, full_name="X"), _entry(1, **truth[0])]
    assert _align(truth, read) == [read[1]]
