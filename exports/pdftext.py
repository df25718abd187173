"""Searchable Chinese in Chromium's PDFs: radicals in the text layer put back as characters.

Noto CJK maps one glyph to both a CJK ideograph (大 U+5927) and a Kangxi radical (⼤ U+2F24);
Chromium's PDF writer names the glyph by the radical in its ToUnicode map, so that copying or
searching "大会" in a reader fails (and pdftotext reads "发展⼤会"). Each font's ToUnicode map
is rewritten with the radicals' compatibility equivalents (NFKC): the glyphs are untouched.
"""

from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

RADICALS = re.compile("[\u2e80-\u2fdf]")  # CJK radicals supplement and Kangxi radicals
# Radicals supplement forms that are whole simplified characters (Unicode's
# EquivalentUnifiedIdeograph.txt); Kangxi radicals (U+2F00–) have NFKC equivalents.
SUPPLEMENT = {
    "\u2ec4": "西",
    "\u2ec5": "见",
    "\u2ec6": "角",
    "\u2ec9": "贝",
    "\u2ecb": "车",
    "\u2ed3": "长",
    "\u2ed4": "门",
    "\u2ed8": "青",
    "\u2eda": "页",
    "\u2edb": "风",
    "\u2edc": "飞",
    "\u2edd": "食",
    "\u2ee2": "马",
    "\u2ee3": "骨",
    "\u2ee4": "鬼",
    "\u2ee5": "鱼",
    "\u2ee6": "鸟",
    "\u2ee8": "麦",
    "\u2ee9": "黄",
    "\u2eec": "齐",
    "\u2eee": "齿",
    "\u2ef0": "龙",
    "\u2ef3": "龟",
}


def ideograph(radical: str) -> str:
    """⼤ → 大, ⻅ → 见; a radical with no whole-character equivalent stays as it is."""
    return SUPPLEMENT.get(radical) or unicodedata.normalize("NFKC", radical)


_HEX = re.compile(r"<([0-9A-Fa-f]+)>")
_BLOCK = re.compile(r"(\d+)\s+begin(bfchar|bfrange)(.*?)end\2", re.S)


def _decode(hexes: str) -> str:
    data = bytes.fromhex(hexes)
    return data.decode("utf-16-be", errors="replace")


def _encode(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _mappings(cmap: str) -> list[tuple[str, str]] | None:
    """(source code hex, Unicode text) of every entry; None for a form this does not read."""
    found: list[tuple[str, str]] = []
    for _count, kind, body in _BLOCK.findall(cmap):
        if kind == "bfchar":
            codes = _HEX.findall(body)
            if len(codes) % 2:
                return None
            found += [(codes[i], _decode(codes[i + 1])) for i in range(0, len(codes), 2)]
            continue
        for line in body.strip().splitlines():
            if "[" in line:
                return None  # the array form: left as it is
            codes = _HEX.findall(line)
            if len(codes) != 3:
                continue
            lo, hi, dst = int(codes[0], 16), int(codes[1], 16), _decode(codes[2])
            width = len(codes[0])
            for offset in range(hi - lo + 1):
                text = dst[:-1] + chr(ord(dst[-1]) + offset)
                found.append((f"{lo + offset:0{width}X}", text))
    return found


def fix_cmap(cmap: str) -> str | None:
    """``cmap`` with radicals replaced; None when it has none (or a form not understood)."""
    if not RADICALS.search("".join(_decode(h) for h in _HEX.findall(cmap) if len(h) % 4 == 0)):
        return None
    mappings = _mappings(cmap)
    if mappings is None:
        return None
    fixed = [(code, RADICALS.sub(lambda m: ideograph(m.group()), text)) for code, text in mappings]
    blocks = []
    for start in range(0, len(fixed), 100):
        chunk = fixed[start : start + 100]
        lines = "\n".join(f"<{code}> <{_encode(text)}>" for code, text in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar")
    head = cmap[: _BLOCK.search(cmap).start()]  # type: ignore[union-attr]
    tail = (
        cmap[cmap.rfind("endbf") :].split("\n", 1)[1] if "\n" in cmap[cmap.rfind("endbf") :] else ""
    )
    return head + "\n".join(blocks) + "\n" + tail


def _fonts(resources: DictionaryObject | None, seen: set[int]) -> list[DictionaryObject]:
    """Every font of ``resources``, and of the Type 3 fonts' own resources."""
    found = []
    fonts = resources.get("/Font") if resources else None
    for ref in fonts.get_object().values() if fonts else []:
        font = ref.get_object()
        if id(font) in seen:
            continue
        seen.add(id(font))
        found.append(font)
        inner = font.get("/Resources")
        if inner is not None:
            found += _fonts(inner.get_object(), seen)
    return found


def fix_text_layer(pdf: bytes) -> bytes:
    """``pdf`` with every ToUnicode map free of radicals (unchanged when none had any)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    changed = False
    seen: set[int] = set()
    for page in writer.pages:
        resources = page.get("/Resources")
        for font in _fonts(resources.get_object() if resources else None, seen):
            ref = font.get("/ToUnicode")
            if ref is None:
                continue
            stream = ref.get_object()
            text = stream.get_data().decode("latin-1")
            new = fix_cmap(text)
            if new is None:
                continue
            replacement = StreamObject()
            replacement.set_data(new.encode("latin-1"))
            font[NameObject("/ToUnicode")] = writer._add_object(replacement)
            changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
