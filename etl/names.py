"""Short names, pinyin and English-name keys for GB/T 2260 division names."""

from __future__ import annotations

import re
from functools import cache

import opencc
from pypinyin import Style, lazy_pinyin

# The 55 minority nationalities as they appear in names of autonomous areas.
ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# Multi-character ethnonyms also appear without 族 (新疆维吾尔自治区, 伊犁哈萨克自治州).
_ETHNIC_SUFFIXES = sorted(
    [g + "族" for g in ETHNIC_GROUPS] + [g for g in ETHNIC_GROUPS if len(g) > 1],
    key=len,
    reverse=True,
)
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
_ADMIN_SUFFIXES = ("特别行政区", "地区", "特区", "新区", "省", "市", "盟", "区", "县", "旗")
# Development zones and similar statistical units have no usable short name.
_ZONE_ENDINGS = (
    "开发区",
    "园区",
    "示范区",
    "管理区",
    "名胜区",
    "保税区",
    "矿区",
    "委员会",
    "管委会",
)

_SHORT_OVERRIDES = {"神农架林区": "神农架"}  # the only 林区 (万柏林区 is 万柏林 + 区)

# Place-name readings that pypinyin's general-purpose dictionary gets wrong.
_CHAR_READINGS = {"都": "du", "朝": "chao", "漯": "luo", "蚌": "beng", "什": "shi", "勒": "le"}
_INITIAL_READINGS = {"长": "chang", "单": "shan", "曾": "zeng"}
_NON_INITIAL_READINGS = {"乐": "le"}
_PHRASE_READINGS = {"长子": ["zhang", "zi"], "六合": ["lu", "he"], "万柏林": ["wan", "bai", "lin"]}

_S2T = opencc.OpenCC("s2t")


def short_name(name: str) -> str:
    """枣庄市 → 枣庄, 阿坝藏族羌族自治州 → 阿坝; the full name when nothing can be stripped."""
    if name in _SHORT_OVERRIDES:
        return _SHORT_OVERRIDES[name]
    if name.endswith(_ZONE_ENDINGS):
        return name
    for suffix in _AUTONOMOUS:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            rest = name[: -len(suffix)]
            stripped = True
            while stripped:
                stripped = False
                for group in _ETHNIC_SUFFIXES:
                    if rest.endswith(group) and len(rest) - len(group) >= 2:
                        rest, stripped = rest[: -len(group)], True
                        break
            return rest
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def traditional(text: str) -> str:
    """Simplified → Traditional with OpenCC s2t."""
    return _S2T.convert(text)


@cache
def syllables(name: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a place name (ü kept), with place-name reading fixes."""
    if name in _PHRASE_READINGS:
        return tuple(_PHRASE_READINGS[name])
    out = lazy_pinyin(name, style=Style.NORMAL, v_to_u=True)
    if len(out) != len(name):  # non-Han characters: keep pypinyin's output as it is
        return tuple(out)
    for i, char in enumerate(name):
        if char in _CHAR_READINGS:
            out[i] = _CHAR_READINGS[char]
        elif i == 0 and char in _INITIAL_READINGS:
            out[i] = _INITIAL_READINGS[char]
        elif i > 0 and char in _NON_INITIAL_READINGS:
            out[i] = _NON_INITIAL_READINGS[char]
    return tuple(out)


def pinyin_name(name: str) -> str:
    """枣庄 → Zaozhuang, 西安 → Xi'an (apostrophe before a syllable starting with a, o or e)."""
    parts = syllables(name)
    text = "".join(
        ("'" + s if i > 0 and s[:1] in "aoe" else s) for i, s in enumerate(parts) if s.strip()
    )
    return text[:1].upper() + text[1:]


def match_key(text: str) -> str:
    """Case-, space- and apostrophe-insensitive key: "Lu'an" → "luan", "Lüliang" → "lvliang"."""
    return re.sub(r"[^a-z]", "", text.lower().replace("ü", "v"))


_EN_DROP_WORDS = {"city", "prefecture", "league", "county", "district", "forestry", "province"}


def english_key(name: str) -> str:
    """Key of an English division name: "Aba Tibetan and Qiang Autonomous Prefecture" → "aba"."""
    text = re.sub(r"\(.*?\)", " ", name).split()
    if "Autonomous" in text:
        text = text[:1]
    while text and text[-1].lower() in _EN_DROP_WORDS:
        text.pop()
    return match_key("".join(text))
