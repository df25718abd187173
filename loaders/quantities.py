"""Read a figure the way Chinese documents write it.

``parse_quantity("16万吨")`` gives 160000 t; ``parse_quantity("超过400亿元")`` gives 4e10 CNY,
qualifier ``at_least``; ``parse_quantity("四十余人")`` gives 40 person, ``at_least``.

The function is pure and strict: text it cannot read raises :class:`QuantityError` with a
message in Chinese and English, never a guess. Arithmetic is exact (``fractions.Fraction``)
until the final conversion to ``float``, so ``21.66万辆`` is exactly 216600.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

EXACT = "exact"
AT_LEAST = "at_least"
APPROX = "approx"
QUALIFIERS: tuple[str, ...] = (EXACT, AT_LEAST, APPROX)

#: Canonical storage units (see DESIGN.md); every result is in one of these.
CANONICAL_UNITS: frozenset[str] = frozenset(
    {"t", "m2", "km2", "GWh", "kW", "CNY", "count", "person", "vehicle", "percent"}
)

# Written unit -> (canonical unit, factor to the canonical unit).
_UNITS: dict[str, tuple[str, Fraction]] = {
    "吨": ("t", Fraction(1)),
    "t": ("t", Fraction(1)),
    "千克": ("t", Fraction(1, 1000)),
    "公斤": ("t", Fraction(1, 1000)),
    "kg": ("t", Fraction(1, 1000)),
    "平米": ("m2", Fraction(1)),
    "平方米": ("m2", Fraction(1)),
    "m2": ("m2", Fraction(1)),  # also ㎡ and m² after NFKC
    "平方公里": ("km2", Fraction(1)),
    "平方千米": ("km2", Fraction(1)),
    "km2": ("km2", Fraction(1)),  # also km² after NFKC
    "公顷": ("km2", Fraction(1, 100)),
    "亩": ("km2", Fraction(1, 1500)),
    "GWh": ("GWh", Fraction(1)),
    "TWh": ("GWh", Fraction(1000)),
    "MWh": ("GWh", Fraction(1, 1000)),
    "kWh": ("GWh", Fraction(1, 10**6)),
    "千瓦时": ("GWh", Fraction(1, 10**6)),
    "千瓦": ("kW", Fraction(1)),
    "kW": ("kW", Fraction(1)),
    "兆瓦": ("kW", Fraction(1000)),
    "MW": ("kW", Fraction(1000)),
    "吉瓦": ("kW", Fraction(10**6)),
    "GW": ("kW", Fraction(10**6)),
    "元": ("CNY", Fraction(1)),
    "人": ("person", Fraction(1)),
    "辆": ("vehicle", Fraction(1)),
    "%": ("percent", Fraction(1)),
}
_COUNT_CLASSIFIERS = "个家件项座条种名位所处台套宗只尊批款"
_UNITS.update({c: ("count", Fraction(1)) for c in _COUNT_CLASSIFIERS})
_UNITS_FOLDED = {k.casefold(): v for k, v in _UNITS.items() if k.isascii() and len(k) > 1}
# Classifiers for people: "200余名嘉宾" is a count of persons when the caller expects persons.
_PERSON_CLASSIFIERS = frozenset("名位")

# Multipliers written between the number and the unit, longest first.
_MULTIPLIERS: tuple[tuple[str, int], ...] = (
    ("万亿", 10**12),
    ("千亿", 10**11),
    ("百亿", 10**10),
    ("十亿", 10**9),
    ("亿", 10**8),
    ("千万", 10**7),
    ("百万", 10**6),
    ("十万", 10**5),
    ("万", 10**4),
    ("千", 10**3),
    ("百", 10**2),
    ("", 1),
)
# Markers after the number (or its multiplier): "180余个", "5000多座", "1万余吨", "20来人".
_MARKERS = {"": EXACT, "余": AT_LEAST, "多": AT_LEAST, "来": APPROX}

# Words around the figure, longest first within each list.
_PREFIXES: tuple[tuple[str, str | None], ...] = tuple(
    sorted(
        [
            (w, AT_LEAST)
            for w in ("超过", "突破", "不少于", "不低于", "至少", "多于", "逾", "过", "超")
        ]
        + [(w, APPROX) for w in ("大约", "将近", "接近", "约", "近")]
        + [
            (w, EXACT)
            for w in ("共计", "合计", "总计", "累计", "已达到", "已达", "达到", "达", "共")
        ]
        + [(w, None) for w in ("不超过", "不到", "不足", "低于", "少于", "最多", "至多")],
        key=lambda p: -len(p[0]),
    )
)
_SUFFIXES: tuple[tuple[str, str | None], ...] = (
    ("以上", AT_LEAST),
    ("左右", APPROX),
    ("上下", APPROX),
    ("以下", None),
    ("以内", None),
    ("之内", None),
)

_CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
_CN_BIG_UNITS = (("亿", 10**8), ("万", 10**4))
_CN_CHARS = frozenset(_CN_DIGITS) | frozenset(_CN_SMALL_UNITS) | {"万", "亿", "点"}
_TRADITIONAL = str.maketrans({"萬": "万", "億": "亿", "兩": "两", "貳": "贰", "陸": "陆"})

_ARABIC = re.compile(r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NUMERAL = "0-9〇零一二两三四五六七八九十百千万亿"
_RANGE = re.compile(rf"[{_NUMERAL}][-—–~〜至到][{_NUMERAL}]")
_MISSING = re.compile(r"[-—–…·.／/\\xX×无]+|N/?A|n/?a")
_TRAILING_PUNCT = "，。、；;：:,.！!？?）)"
_SPACES = re.compile(r"\s+")
# Words before, a plain decimal, whatever follows: "超过" "400" "亿元" (see parse_quantity).
_SPLIT = re.compile(r"([^0-9]*?)(-?[0-9]+(?:\.[0-9]+)?)(.*)", re.DOTALL)
_STRENGTH = {EXACT: 0, AT_LEAST: 1, APPROX: 2}  # combine_qualifiers keeps the strongest
# Characters an affix starts (prefixes) or ends (suffixes) with: most figures have none.
_PREFIX_FIRST = frozenset(w[0] for w, _ in _PREFIXES)
_SUFFIX_LAST = frozenset(w[-1] for w, _ in _SUFFIXES)
_CACHE_SIZE = 4096  # entries per memo below; cleared when full (a long-running server)
_UNKNOWN = object()  # not in a memo yet


def _remember(memo: dict, key: object, value: object) -> None:  # type: ignore[type-arg]
    """Keep ``value`` under ``key``; a full memo starts again rather than growing for ever."""
    if len(memo) >= _CACHE_SIZE:
        memo.clear()
    memo[key] = value


class QuantityError(ValueError):
    """A figure that cannot be read; carries the message in Chinese and in English."""

    def __init__(self, message_zh: str, message_en: str, text: str | None = None) -> None:
        super().__init__(f"{message_en} / {message_zh}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.text = text


@dataclass(frozen=True)
class Quantity:
    """A figure in its canonical unit.

    ``factor`` is what the written number was multiplied by (``16万吨`` -> 10000);
    ``unit_as_written`` is the unit text of the figure itself, multiplier included
    (``万吨``, ``亿平米``, ``个``; ``万`` for ``422万``; empty when the text has none).
    """

    value: float
    unit: str
    qualifier: str
    factor: float
    unit_as_written: str


@dataclass(frozen=True)
class _Unit:
    canonical: str
    factor: Fraction
    written: str


def combine_qualifiers(qs: Iterable[str]) -> str:
    """Qualifier of a sum: ``approx`` if any term is approx, else ``at_least`` if any is."""
    seen = set()
    for q in qs:
        if q not in QUALIFIERS:
            raise QuantityError(
                f"未知的限定词“{q}”（应为 exact、at_least 或 approx）",
                f"unknown qualifier {q!r} (expected exact, at_least or approx)",
                q,
            )
        seen.add(q)
    if APPROX in seen:
        return APPROX
    return AT_LEAST if AT_LEAST in seen else EXACT


def parse_quantity(text: str, unit_hint: str | None = None) -> Quantity:
    """Read ``text`` (e.g. ``16万吨``, ``超过400亿元``, ``四十余人``) as a :class:`Quantity`.

    ``unit_hint`` is the unit the caller expects: a canonical unit (``t``, ``person`` …) or a
    written one (``万吨``, ``万千瓦``, e.g. from a ``单位：万吨`` row). It supplies the unit when
    the text has none (``422万`` with ``person``) and is checked against the unit the text
    writes. Raises :class:`QuantityError` for anything it cannot read unambiguously.
    """
    return Quantity(*quantity_parts(text, unit_hint))


#: A Quantity's fields as a plain tuple: (value, unit, qualifier, factor, unit_as_written).
QuantityParts = tuple[float, str, str, float, str]
#: What a unit makes of any number before it (``unit_parts``).
UnitParts = tuple[str, int, int, float, str, str]


def quantity_parts(text: str, unit_hint: str | None = None) -> QuantityParts:
    """``parse_quantity`` as a plain tuple, for readers of 100 000 figures (no object each)."""
    m = _SPLIT.fullmatch(text) if text.__class__ is str else None
    if m is not None:
        # Fast path, same result: qualifier words + a plain decimal + a unit read before.
        head, number, rest = m.groups()
        head_qualifier = _prefix_qualifier(head) if head else EXACT
        reading = _unit_reading(rest, unit_hint) if head_qualifier is not None else None
        if reading is not None:
            qualifier, factor, factor_float, unit_ = reading
            whole, _, decimals = number.partition(".")
            num, den = int(whole + decimals), 10 ** len(decimals)
            return (
                (num * factor.numerator) / (den * factor.denominator),
                unit_.canonical,
                qualifier
                if head_qualifier == EXACT
                else max(head_qualifier, qualifier, key=_STRENGTH.__getitem__),
                factor_float,
                unit_.written,
            )
    num, den, qualifier, factor, unit = _parse(text, unit_hint)
    return (
        # int / int is correctly rounded: the same float as float(Fraction(...)), faster
        (num * factor.numerator) / (den * factor.denominator),
        unit.canonical,
        qualifier,
        float(factor),
        unit.written,
    )


#: Splits a figure's text into words before, a plain decimal and the rest ("超过", "400", "亿元");
#: ``figure_parts`` reads the words and the rest once for every number between them.
FIGURE_SPLIT = _SPLIT


def figure_parts(head: str, rest: str, unit_hint: str | None = None) -> UnitParts | None:
    """How ``head + N + rest`` reads for any plain decimal N, where FIGURE_SPLIT splits a
    text into (head, N, rest): like ``unit_parts``, such that with N = num / den

        quantity_parts(head + N + rest, unit_hint) == (
            (num * numerator) / (den * denominator), canonical, qualifier, factor, written
        )

    None when quantity_parts reads such a text some other way (then read it whole).
    """
    head_qualifier = _prefix_qualifier(head) if head else EXACT
    reading = _unit_reading(rest, unit_hint) if head_qualifier is not None else None
    if reading is None:
        return None
    qualifier, factor, factor_float, unit_ = reading
    if head_qualifier != EXACT:
        qualifier = max(head_qualifier, qualifier, key=_STRENGTH.__getitem__)  # type: ignore[arg-type]
    return (
        qualifier,
        factor.numerator,
        factor.denominator,
        factor_float,
        unit_.canonical,
        unit_.written,
    )


def unit_parts(unit: str, unit_hint: str | None = None) -> UnitParts | None:
    """How any plain decimal N (``-12``, ``5445.7``: the text of a number cell) reads when
    ``unit`` (the text of its unit cell) follows it: (qualifier, factor numerator, factor
    denominator, factor, canonical unit, unit as written), such that with N = num / den

        quantity_parts(N + unit, unit_hint) == (
            (num * numerator) / (den * denominator), canonical, qualifier, factor, written
        )

    None when the unit alone does not tell (then read the joined text). Remembered per unit.
    """
    reading = _unit_reading(unit, unit_hint)
    if reading is None:
        return None
    qualifier, factor, factor_float, unit_ = reading
    return (
        qualifier,
        factor.numerator,
        factor.denominator,
        factor_float,
        unit_.canonical,
        unit_.written,
    )


def _parse(text: str, unit_hint: str | None) -> tuple[int, int, str, Fraction, _Unit]:
    """The figure as (numerator, denominator, qualifier, factor, unit); value = n / d * factor."""
    if not isinstance(text, str):
        raise QuantityError(
            f"数值应为文本，实际为 {type(text).__name__}",
            f"expected text, got {type(text).__name__}",
        )
    hint = _hint(unit_hint)
    s = _normalise(text)
    if not s:
        raise QuantityError("数值为空", "the value is empty", text)
    if _MISSING.fullmatch(s):
        raise QuantityError(f"“{text}”表示数据缺失", f"{text!r} marks a missing value", text)
    s = s.rstrip(_TRAILING_PUNCT)
    quals: list[str] = []
    s = _strip_words(s, quals, text)
    percent = s.startswith("百分之")
    if percent:
        s = s[3:]
    if _RANGE.search(s):
        raise QuantityError(
            f"“{text}”是一个范围，不是单个数值",
            f"{text!r} is a range, not a single figure",
            text,
        )
    problem: QuantityError | None = None
    for num, den, rest in _number_candidates(s, bare_ok=any(q != EXACT for q in quals)):
        try:
            marker, factor, unit = _reading(rest, unit_hint, hint, percent, text)
        except QuantityError as exc:
            problem = problem or exc
            continue
        return num, den, combine_qualifiers([*quals, marker]) if quals else marker, factor, unit
    if problem is not None:
        raise problem
    raise QuantityError(f"“{text}”中找不到数字", f"no number found in {text!r}", text)


_PREFIX_READINGS: dict[str, str | None] = {}


def _prefix_qualifier(head: str) -> str | None:
    """The qualifier of ``head`` when it is nothing but qualifier words (约, 超过 …), else None."""
    known = _PREFIX_READINGS.get(head, _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[return-value]
    s, quals = _normalise(head), []
    while s:
        found = next(((w, q) for w, q in _PREFIXES if s.startswith(w)), None)
        if found is None or found[1] is None:  # not a qualifier word, or an upper bound (不足)
            break
        quals.append(found[1])
        s = s[len(found[0]) :]
    reading = None if s else combine_qualifiers(quals)
    _remember(_PREFIX_READINGS, head, reading)
    return reading


_UNIT_READINGS: dict[tuple[str, str | None], tuple[str, Fraction, float, _Unit] | None] = {}


def _unit_reading(unit: str, unit_hint: str | None) -> tuple[str, Fraction, float, _Unit] | None:
    """How ``N + unit`` reads for any plain decimal N: (qualifier, factor, float, unit).

    Everything ``_parse`` does after the number depends on ``unit`` alone, so reading
    ``"1" + unit`` once tells it for every N. None when that cannot be known without the
    number: the unit starts with something that would join the number (a digit, ``.`` or
    ``,``), or the text does not read at all (the caller then parses it whole, for the error
    message naming the figure).
    """
    key = (unit, unit_hint)
    known = _UNIT_READINGS.get(key, _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[return-value]
    reading = None
    start = _normalise(unit)[:1]
    if not (start.isdecimal() or start in (".", ",")):
        try:
            num, den, qualifier, factor, unit_ = _parse("1" + unit, unit_hint)
        except QuantityError:
            pass
        else:
            if num == den == 1:
                reading = (qualifier, factor, float(factor), unit_)
    _remember(_UNIT_READINGS, key, reading)
    return reading


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_TRADITIONAL)
    s = _SPACES.sub("", s)
    return _THOUSANDS.sub("", s) if "," in s else s


def _strip_words(s: str, quals: list[str], text: str) -> str:
    """Remove qualifier words before and after the figure, recording their qualifiers."""
    changed = True
    while changed and s:
        if s[0] not in _PREFIX_FIRST and s[-1] not in _SUFFIX_LAST:
            break
        changed = False
        for affixes, at_start in ((_PREFIXES, True), (_SUFFIXES, False)):
            for word, qual in affixes:
                hit = s.startswith(word) if at_start else s.endswith(word)
                if hit:
                    if qual is None:
                        raise QuantityError(
                            f"“{text}”只给出上限（“{word}”），无法读作单个数值",
                            f"{text!r} gives only an upper bound ({word!r}), not a figure",
                            text,
                        )
                    quals.append(qual)
                    s = s[len(word) :] if at_start else s[: -len(word)]
                    changed = True
                    break
    return s


def _number_candidates(s: str, bare_ok: bool) -> Iterable[tuple[int, int, str]]:
    """Possible (numerator, denominator, rest of text) splits, most likely first.

    A bare 百/千/万/亿 means one of it ("百余家", "逾百人", "近万人", "过亿元"), but only after
    a qualifier word (``bare_ok``) or before 余/多: on its own "万吨" is a unit, not a figure.
    """
    m = _ARABIC.match(s)
    if m:
        whole, _, decimals = m.group().partition(".")  # "-1.25" → -125 / 100, exactly
        yield int(whole + decimals), 10 ** len(decimals), s[m.end() :]
        return
    run = 0
    while run < len(s) and s[run] in _CN_CHARS:
        run += 1
    for end in range(run, 0, -1):
        token, rest = s[:end], s[end:]
        if token in ("百", "千", "万", "亿"):
            if bare_ok or rest[:1] in ("余", "多"):
                yield dict(_MULTIPLIERS)[token], 1, rest
            continue
        value = _parse_cn_number(token)
        if value is not None:
            yield value.numerator, value.denominator, rest


# (head, marker's qualifier, multiplier text, multiplier) for every marker and multiplier, in the
# order they are tried; bucketed by the head's first character ("" heads go in every bucket).
_HEADS: tuple[tuple[str, str, str, int], ...] = tuple(
    (head, marker_qual, mult_text, mult)
    for marker, marker_qual in _MARKERS.items()
    for mult_text, mult in _MULTIPLIERS
    for head in dict.fromkeys((marker + mult_text, mult_text + marker))
)
_HEADS_BY_FIRST: dict[str, tuple[tuple[str, str, str, int], ...]] = {
    c: tuple(h for h in _HEADS if not h[0] or h[0][0] == c) for c in {h[0][:1] for h in _HEADS}
}
_READINGS: dict[tuple[str, str | None, bool], tuple[str, Fraction, _Unit] | None] = {}


def _reading(
    rest: str, unit_hint: str | None, hint: _Unit | None, percent: bool, text: str
) -> tuple[str, Fraction, _Unit]:
    """``_read_rest``, remembered: what follows a number ("万吨", "余个") repeats endlessly."""
    key = (rest, unit_hint, percent)
    known = _READINGS.get(key, _UNKNOWN)
    if known is not _UNKNOWN and known is not None:
        return known  # type: ignore[return-value]
    if known is None:  # it failed before: read again, for the error naming this text
        return _read_rest(rest, hint, percent, text)
    try:
        reading = _read_rest(rest, hint, percent, text)
    except QuantityError:
        _remember(_READINGS, key, None)
        raise
    _remember(_READINGS, key, reading)
    return reading


def _read_rest(
    rest: str, hint: _Unit | None, percent: bool, text: str
) -> tuple[str, Fraction, _Unit]:
    """Split what follows the number into marker, factor (multiplier × unit factor) and unit."""
    found: dict[tuple[Fraction, str], tuple[str, Fraction, _Unit]] = {}
    mismatch: QuantityError | None = None
    for head, marker_qual, mult_text, mult in _HEADS_BY_FIRST.get(rest[:1], _HEADS_BY_FIRST[""]):
        if not rest.startswith(head):
            continue
        try:
            unit = _resolve_unit(rest[len(head) :], mult_text, hint, percent, text)
        except QuantityError as exc:
            mismatch = mismatch or exc
            continue
        if unit is not None:
            key = (mult * unit.factor, unit.canonical)
            found.setdefault(key, (marker_qual, key[0], unit))
    if len(found) > 1:
        raise QuantityError(f"“{text}”有多种读法", f"{text!r} can be read in several ways", text)
    if found:
        return next(iter(found.values()))
    if mismatch is not None:
        raise mismatch
    if rest[:1] in _CN_DIGITS or rest[:1].isdigit() or rest[:1] in ".点":
        raise QuantityError(
            f"无法读出“{text}”中的数字",
            f"cannot read the number in {text!r}",
            text,
        )
    raise QuantityError(
        f"无法识别“{text}”中的单位“{rest}”",
        f"unknown unit {rest!r} in {text!r}",
        text,
    )


def _resolve_unit(
    unit_text: str, mult_text: str, hint: _Unit | None, percent: bool, text: str
) -> _Unit | None:
    """The unit of the figure, or None when ``unit_text`` is not a unit at all."""
    if percent:
        if unit_text or mult_text:
            return None
        unit = _Unit("percent", Fraction(1), "百分之")
    elif not unit_text:
        if hint is None:
            raise QuantityError(
                f"“{text}”没有单位，也没有给出默认单位",
                f"{text!r} has no unit and no unit hint was given",
                text,
            )
        if mult_text and hint.factor != 1:
            raise QuantityError(
                f"“{text}”自带“{mult_text}”，与默认单位“{hint.written}”的倍数重复",
                f"{text!r} has its own {mult_text!r}, clashing with unit hint {hint.written!r}",
                text,
            )
        written = mult_text or ("" if hint.written in CANONICAL_UNITS else hint.written)
        return _Unit(hint.canonical, hint.factor, written)
    else:
        entry = _UNITS.get(unit_text) or _UNITS_FOLDED.get(unit_text.casefold())
        if entry is None:
            return None
        unit = _Unit(entry[0], entry[1], mult_text + unit_text)
    if unit.canonical == "percent" and mult_text:
        return None
    if hint is not None and unit.canonical != hint.canonical:
        if hint.canonical == "person" and unit_text in _PERSON_CLASSIFIERS:
            return _Unit("person", unit.factor, unit.written)
        raise QuantityError(
            f"“{text}”的单位是“{unit_text or '%'}”（{unit.canonical}），"
            f"与预期单位 {hint.canonical} 不符",
            f"the unit of {text!r} is {unit.canonical}, expected {hint.canonical}",
            text,
        )
    return unit


_HINTS: dict[str, _Unit | None] = {}


def _hint(unit_hint: str | None) -> _Unit | None:
    """``_resolve_hint``, remembered (a hint that cannot be read raises every time)."""
    if unit_hint is None:
        return None
    hint = _HINTS.get(unit_hint)
    if hint is None:
        hint = _resolve_hint(unit_hint)
        _remember(_HINTS, unit_hint, hint)
    return hint


def _resolve_hint(unit_hint: str | None) -> _Unit | None:
    if unit_hint is None:
        return None
    if unit_hint in CANONICAL_UNITS:
        return _Unit(unit_hint, Fraction(1), unit_hint)
    hint = unicodedata.normalize("NFKC", unit_hint).translate(_TRADITIONAL).strip()
    for mult_text, mult in _MULTIPLIERS:
        if hint.startswith(mult_text):
            entry = _UNITS.get(hint[len(mult_text) :]) or _UNITS_FOLDED.get(
                hint[len(mult_text) :].casefold()
            )
            if entry is not None:
                return _Unit(entry[0], entry[1] * mult, hint)
    raise QuantityError(
        f"无法识别默认单位“{unit_hint}”",
        f"unknown unit hint {unit_hint!r}",
        unit_hint,
    )


def _parse_cn_number(token: str) -> Fraction | None:
    """A Chinese numeral (``四十``, ``一万零五``, ``二〇二四``, ``三点五``) or None."""
    if "点" in token:
        whole, _, frac = token.partition("点")
        value = _parse_cn_int(whole)
        if value is None or not frac or any(c not in _CN_DIGITS or c == "两" for c in frac):
            return None
        return Fraction(f"{value}.{''.join(str(_CN_DIGITS[c]) for c in frac)}")
    value = _parse_cn_int(token)
    return None if value is None else Fraction(value)


def _parse_cn_int(s: str) -> int | None:
    if not s:
        return None
    if all(c in _CN_DIGITS for c in s):
        if len(s) == 1:
            return _CN_DIGITS[s]
        if "两" in s:
            return None
        return int("".join(str(_CN_DIGITS[c]) for c in s))  # digit by digit: 二〇二四
    for big, size in _CN_BIG_UNITS:
        if big in s:
            left, _, right = s.partition(big)
            high = _parse_cn_int(left)
            if not high:
                return None
            if not right:
                return high * size
            zero = right[0] in "零〇"
            low = _parse_cn_int(right.lstrip("零〇"))
            if low is None or low >= size:
                return None
            # "一万五" is colloquial for 15000: ambiguous, so only "一万零五" or "一万五千".
            if (low >= size // 10) == zero:
                return None
            return high * size + low
    return _parse_cn_section(s)


def _parse_cn_section(s: str) -> int | None:
    """A numeral below 10000 written with 十/百/千."""
    total, digit, last_unit, zero = 0, None, 10**4, False
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            if _CN_DIGITS[ch] == 0:
                zero = True
            else:
                digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if unit != 10 or total or zero:
                    return None
                digit = 1  # 十五 = 15
            total += digit * unit
            digit, last_unit, zero = None, unit, False
        else:
            return None
    if digit is not None:
        # A bare last digit after 百/千 ("一百五") is colloquial and ambiguous.
        if total and not zero and last_unit != 10:
            return None
        total += digit
    return total
