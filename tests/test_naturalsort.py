"""Grids and buildings in the order people count them."""

from __future__ import annotations

import pytest

from marketplace.naturalsort import by_name, chinese_number, key


@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("二", 2), ("两", 2), ("九", 9), ("十", 10), ("十一", 11), ("十九", 19),
    ("二十", 20), ("二十一", 21), ("九十九", 99), ("一百", 100), ("一百零五", 105),
    ("一百一十", 110), ("三千", 3000), ("二〇二六", 2026), ("零", 0),
])
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_every_number_to_a_hundred_and_twenty_as_written_sorts_as_counted() -> None:
    digits = "零一二三四五六七八九"

    def below_hundred(n: int) -> str:
        if n < 10:
            return digits[n]
        tens = "" if n < 20 else digits[n // 10]
        return tens + "十" + (digits[n % 10] if n % 10 else "")

    def written(n: int) -> str:
        if n < 100:
            return below_hundred(n)
        rest = n % 100
        tail = "" if rest == 0 else "零" + digits[rest] if rest < 10 else below_hundred(rest)
        return digits[n // 100] + "百" + tail

    names = [f"第{written(n)}网格" for n in range(1, 121)]
    assert [chinese_number(w[1:-2]) for w in names] == list(range(1, 121))
    assert by_name(reversed(names), str) == names


def test_mixed_names() -> None:
    names = ["第三网格", "10号楼", "第一网格", "2号楼", "第二网格", "B栋", "a栋", "1号楼",
             "第十网格", "东区"]
    assert by_name(names, str) == ["1号楼", "2号楼", "10号楼", "a栋", "B栋", "东区",
                                   "第一网格", "第二网格", "第三网格", "第十网格"]
    assert key(" 第一网格 ") == key("第一网格")
    assert by_name([{"name": "3号楼"}, {"name": "12号楼"}], lambda r: r["name"])[0] == {
        "name": "3号楼"}
