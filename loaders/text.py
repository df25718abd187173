"""Reading the words of a government table: cells, periods, units, markers, labels.

Pure functions on single cells or strings, cached where a sheet repeats itself (a census sheet
has ~500 000 cells but few distinct texts). Everything is matched after Traditional→Simplified
conversion (OpenCC ``t2s``) and NFKC (full-width digits and letters become ASCII).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Context, Decimal
from fractions import Fraction
from functools import lru_cache

import opencc

from loaders.quantities import Quantity, QuantityError, parse_quantity
from loaders.sheet import CellValue
from store.periods import PeriodError, parse_period
from store.regions import alias_key

YEARS = (1900, 2100)  # a four-digit number in this range, alone in a header, is a year

# Cell kinds, from what a cell holds (not where it is).
EMPTY, NUM, PERIOD, MISSING, TEXT = "empty", "num", "period", "missing", "text"

_T2S = opencc.OpenCC("t2s")

MISSING_MARKERS = re.compile(
    r"^(?:[-—–…－―‐·.／/\\×xX*＊]+|N/?A|n/?a|NaN|nan|null|NULL|空|无|暂无|不详)$"
)
_NUMERALS = "零〇一二两三四五六七八九"
_NUMBER = (
    r"(?:\d[\d.]*|\.\d+"
    rf"|[{_NUMERALS}十百千万亿点]*[{_NUMERALS}][{_NUMERALS}十百千万亿点]*)"
)
_UNIT_WORDS = (
    "平方公里|平方千米|平方米|千瓦时|千克|公斤|平米|公顷|兆瓦|吉瓦|千瓦|GWh|TWh|MWh|kWh|"
    "km2|m2|kg|kW|MW|GW|吨|亩|元|人|辆|t|%|[个家件项座条种名位所处台套宗只尊批款]"
)
# What a figure looks like: 16, 1,234.5, 16万吨, 超过400亿元, 180余, 约50, 一百二十, 12.5%.
QUANTITY_SHAPE = re.compile(
    r"^(?:超过|突破|不少于|不低于|至少|多于|逾|过|超|大约|将近|接近|约|近|共计|合计|累计|达到|达|共)?"
    rf"[+-]?{_NUMBER}(?:余|多|来)?(?:[万亿千百十]+)?(?:余|多)?(?:{_UNIT_WORDS})?"
    r"(?:以上|左右|上下)?$"
)
_EXACT = Context(prec=60)  # wide enough that a cell's digits times a unit factor stay exact
_SUFFIXES = ("以上", "左右", "上下")  # a unit from the header goes before these
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")

COMPARISON = re.compile(
    r"比(?:上年|去年|上年同期|同期|\d{4})|同比|环比|增长|增减|增速|增幅|增量|[+＋]\s*[、,，/]?\s*[-－]"
    r"|±|百分点|growth|change|\byoy\b",
    re.IGNORECASE,
)
PERCENT_ONLY = re.compile(r"^[（(]?\s*(?:%|％|百分比|比重)\s*[)）]?$")
FOOTNOTE = re.compile(
    r"^(?:注|说明|备注|附注|资料来源|数据来源|来源|note|notes|source)\s*[0-9一二三四五六七八九十]*\s*[:：]"
    r"|^注\s*\d",
    re.IGNORECASE,
)
SOURCE_LINE = re.compile(r"^(?:资料来源|数据来源|来源|source)\s*[:：]\s*(.+)$", re.IGNORECASE)
UNIT_CELL = re.compile(r"^[（(]?\s*(?:计量)?单位\s*[:：]?\s*([^（）()]+?)\s*[)）]?$")
UNIT_IN_TEXT = re.compile(r"单位\s*[:：]\s*([^\s，,；;）)]+)")
_BRACKET_END = re.compile(r"^(.*?)\s*[（(]\s*(?:单位\s*[:：]\s*)?([^（）()]+?)\s*[)）]\s*$")
_SEPARATOR_END = re.compile(r"^(.*?)\s*[/，,、]\s*([^/，,、]+)$")
_LABEL_PREFIX = re.compile(
    r"^(?:其中\s*[:：]?|\d+\s*[.、．]\s*|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]\s*"
    r"|[一二三四五六七八九十]+\s*[、.．]\s*)"
)
_ENGLISH_UNITS = [
    (re.compile(r"\b(?:ten thousands?|10,?000|10k)\s*", re.I), "万"),
    (re.compile(r"\b(?:hundred millions?|100 million)\s*", re.I), "亿"),
    (re.compile(r"\bbillions?\s*", re.I), "十亿"),
    (re.compile(r"\bmillions?\s*", re.I), "百万"),
    (re.compile(r"\bthousands?\s*", re.I), "千"),
    (re.compile(r"\b(?:tonnes?|tons?)\b", re.I), "t"),
    (re.compile(r"\b(?:yuan|rmb|cny)\b", re.I), "元"),
    (re.compile(r"\b(?:persons?|people)\b", re.I), "人"),
    (re.compile(r"\bvehicles?\b", re.I), "辆"),
    (re.compile(r"^kt$", re.I), "千t"),
    (re.compile(r"^mt$", re.I), "百万t"),
]

OWN_REGION_WORDS = frozenset(
    alias_key(w)
    for w in (
        "全市 全县 全区 全省 全州 全盟 全旗 合计 总计 全市合计 全市总计 全县合计 全区合计 "
        "全省合计 全市总体 全部 Total All"
    ).split()
)
PLACEHOLDER_REGIONS = frozenset(
    alias_key(w) for w in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
)
_PLACEHOLDER_EN = re.compile(r"^directly\s*governed", re.IGNORECASE)

REGION_HEADER = re.compile(
    r"地区|区域|地市|城市|省份|省|区县|县区|县市|区市|行政区|^市$|^县$|^区$"
    r"|province|procince|city|county|region|district|prefecture",
    re.IGNORECASE,
)
INDICATOR_HEADER = re.compile(r"指标|项目|名称|indicator|item|measure", re.IGNORECASE)
UNIT_HEADER = re.compile(r"^(?:计量)?单位$|^units?$", re.IGNORECASE)
CODE_HEADER = re.compile(r"代码|编码|区划码|adcode|\bcode\b", re.IGNORECASE)
PERIOD_HEADER = re.compile(r"^(?:年份|年度|年|时期|时间|期间|统计期|year|period)$", re.IGNORECASE)
VALUE_HEADER = re.compile(  # a value column's header that says nothing about the figure
    r"^(?:数值|数量|数据|值|本期|本年|本年实际|全年|实际|value|values|amount)$", re.IGNORECASE
)
SEQUENCE_HEADER = re.compile(r"^(?:序号|序|编号|排名|位次|no\.?|#|rank)$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s); ASCII text is returned as it is."""
    return text if text.isascii() else _T2S.convert(text)


def number_text(value: float | int) -> str:
    """A number as a person writes it: 16.0 → 16, 0.1 → 0.1, 1e-05 → 0.00001."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def cell_text(value: CellValue) -> str:
    """The cell as stripped Simplified text ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return simplified(value.strip())
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return simplified(str(value).strip())


def indent_of(value: CellValue) -> int:
    """Leading spaces of a label (a full-width space counts two): its depth in a hierarchy."""
    if not isinstance(value, str):
        return 0
    n = 0
    for ch in value:
        if ch == "\u3000":
            n += 2
        elif ch in " \t\xa0":
            n += 1
        else:
            break
    return n


def is_missing(text: str) -> bool:
    return not text or bool(MISSING_MARKERS.match(text))


@lru_cache(maxsize=65536)
def text_kind(text: str) -> str:
    """Kind of a non-empty stripped text: missing marker, period, figure or words."""
    if MISSING_MARKERS.match(text):
        return MISSING
    if period_of(text):
        return PERIOD
    s = _THOUSANDS.sub("", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return NUM if QUANTITY_SHAPE.match(s) and not COMPARISON.search(s) else TEXT


def cell_kind(value: CellValue) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return TEXT
    if isinstance(value, int | float):
        if value == value and float(value).is_integer() and YEARS[0] <= value <= YEARS[1]:
            return PERIOD
        return NUM
    if isinstance(value, str):
        text = value.strip()
        return text_kind(simplified(text)) if text else EMPTY
    return TEXT


_PERIOD_FORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(\d{4})(?:\.0+)?(?:年(?:度|末|底|全年)?)?"), "year"),
    (re.compile(r"(\d{4})年(\d{1,2})月(?:末|底|份)?"), "month"),
    (re.compile(r"(\d{4})年(\d{1,2})(?:月)?[-—–~至到](\d{1,2})月(?:累计)?"), "range"),
    (re.compile(r"(\d{4})年?([上下])半年"), "half"),
    (re.compile(r"(\d{4})年?第?([一二三四1-4])季度"), "quarter"),
    (re.compile(r"(\d{4}-\d{2}(?:-\d{2})?|\d{4}[HQ]\d)"), "plain"),
]
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}


def _period_text(kind: str, m: re.Match[str]) -> str | None:
    y = int(m[1][:4])
    if not YEARS[0] <= y <= YEARS[1]:
        return None
    if kind == "year":
        text = m[1]
    elif kind == "month":
        text = f"{y}-{int(m[2]):02d}"
    elif kind == "range":
        text = f"{y}-{int(m[2]):02d}/{y}-{int(m[3]):02d}"
    elif kind == "half":
        text = f"{y}H{1 if m[2] == '上' else 2}"
    elif kind == "quarter":
        text = f"{y}Q{_QUARTERS.get(m[2], m[2])}"
    else:
        text = m[1]
    try:
        return parse_period(text).text
    except PeriodError:
        return None


@lru_cache(maxsize=4096)
def period_of(text: str) -> str | None:
    """``2023年`` / ``2017 年`` / ``1995.0`` → ``2023``…; ``2024年1-8月`` → ``2024-01/2024-08``;
    ``2024年上半年`` → ``2024H1``; None when the whole text is not a period."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    for pattern, kind in _PERIOD_FORMS:
        m = pattern.fullmatch(s)
        if m:
            return _period_text(kind, m)
    return None


def periods_in(text: str) -> list[str]:
    """Every distinct period written inside a longer text (a title), in order."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    found: list[str] = []
    for pattern, kind in reversed(_PERIOD_FORMS[1:]):  # the most specific forms first
        for m in re.finditer(rf"(?<!\d){pattern.pattern}(?!\d)", s):
            p = _period_text(kind, m)
            if p is None:
                continue
            if p not in found:
                found.append(p)
            s = s[: m.start()] + " " * (m.end() - m.start()) + s[m.end() :]
    for m in re.finditer(r"(?<!\d)(\d{4})(?=\s*(?:年|[-—–~至到]\s*\d{4}|[)）]|$))", s):
        p = _period_text("year", m)
        if p and p not in found:
            found.append(p)
    return found


@lru_cache(maxsize=4096)
def unit_hint(text: str) -> str | None:
    """A written unit (万吨, （万人）, thousand t, GWh …) as a hint parse_quantity accepts."""
    s = unicodedata.normalize("NFKC", text).strip().strip("（）() ")
    if not s or len(s) > 20:
        return None
    for pattern, repl in _ENGLISH_UNITS:
        s = pattern.sub(repl, s)
    s = re.sub(r"\s+", "", s)
    try:
        parse_quantity("1", unit_hint=s)
    except QuantityError:
        return None
    return s


def hint_unit(hint: str) -> tuple[str, float]:
    """Canonical unit and factor of a valid hint: 万吨 → (t, 10000)."""
    q = parse_quantity("1", unit_hint=hint)
    return q.unit, q.factor


def split_unit(text: str) -> tuple[str, str | None]:
    """``产能（万吨）`` → (产能, 万吨); ``Weight (thousand t)`` → (Weight, 千t);
    ``万吨`` → ('', 万吨); text without a unit → (text, None)."""
    if m := UNIT_CELL.match(text):
        hint = unit_hint(m[1])
        if hint and ("单位" in text):
            return "", hint
    word = text.isascii() and text.isalpha() and len(text) > 3  # "people" is a name here
    hint = None if word else unit_hint(text)
    if hint:
        return "", hint
    for pattern in (_BRACKET_END, _SEPARATOR_END):
        m = pattern.match(text)
        if m and m[1]:
            hint = unit_hint(m[2])
            if hint:
                return m[1].strip(), hint
    return text, None


def clean_label(text: str) -> str:
    """A label without numbering, 其中 or a trailing colon: ``（一）其中：正极材料`` → 正极材料."""
    s = text.strip()
    for _ in range(3):
        stripped = _LABEL_PREFIX.sub("", s, count=1).strip()
        if stripped == s:
            break
        s = stripped
    return s.rstrip(":：")


def division_code(text: str) -> str:
    """``370400`` / ``370400.0`` / ``37`` / ``3704`` / ``370400000000`` → ``370400``."""
    digits = text.split(".")[0]
    if not digits.isdigit():
        return ""
    if len(digits) in (2, 4):
        return digits.ljust(6, "0")
    return digits[:6] if len(digits) in (6, 9, 12) else ""


def is_placeholder_region(key: str) -> bool:
    return key in PLACEHOLDER_REGIONS or bool(_PLACEHOLDER_EN.match(key))


def read_figure(
    value: CellValue,
    unit: str | None,
    factor: Fraction,
    canonical: str,
    cache: dict[tuple[str, str], Quantity | QuantityError],
) -> tuple[tuple[float, str, str] | None, tuple[str, dict[str, object]] | None]:
    """((value in the canonical unit, qualifier, as written), None) or (None, (issue code,
    params)). ``unit`` is the unit the sheet writes for the cell (a parse_quantity hint) and
    ``factor`` its factor; without one the indicator's ``canonical`` unit is assumed.
    ``cache`` keeps parse_quantity's answers per (text, unit) for the sheet."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value:  # NaN: missing
            return None, None
        text = number_text(value)
        if factor.denominator != 1:
            amount = float(Fraction(text) * factor)
        elif float(value).is_integer():
            amount = float(value) * factor.numerator
        else:  # exact product, rounded once, as parse_quantity does
            amount = float(_EXACT.multiply(Decimal(text), Decimal(factor.numerator)))
        return (amount, "exact", text + (unit or "")), None
    text = cell_text(value)
    if not isinstance(value, str):
        return None, ("not-a-number", {"reason": "不是数字", "reason_en": "not a number"})
    hint = unit or canonical
    q = cache.get((text, hint))
    if q is None:
        try:
            q = parse_quantity(text, unit_hint=hint)
        except QuantityError as exc:
            q = exc
        cache[(text, hint)] = q
    if isinstance(q, QuantityError):
        try:
            bare = parse_quantity(text)
        except QuantityError:
            bare = None
        if bare is not None and bare.unit != canonical:
            return None, ("unit-mismatch", {"unit": bare.unit_as_written, "expected": canonical})
        return None, ("not-a-number", {"reason": q.message_zh, "reason_en": q.message_en})
    written = text
    if unit and not (q.unit_as_written and q.unit_as_written in text):
        suffix = next((s for s in _SUFFIXES if text.endswith(s)), "")
        written = text[: len(text) - len(suffix)] + unit + suffix  # 50以上 + 个 → 50个以上
    return (q.value, q.qualifier, written), None
