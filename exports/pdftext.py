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

import pikepdf

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


def _fonts(resources: pikepdf.Object | None, seen: set[tuple[int, int]]) -> list[pikepdf.Object]:
    """Every font of ``resources``, and of the Type 3 fonts' own resources."""
    found: list[pikepdf.Object] = []
    fonts = resources.get("/Font") if resources is not None else None
    if fonts is None:
        return found
    for _name, font in fonts.items():
        key = font.objgen
        if key != (0, 0) and key in seen:
            continue
        seen.add(key)
        found.append(font)
        inner = font.get("/Resources")
        if inner is not None:
            found += _fonts(inner, seen)
    return found


def fix_document(doc: pikepdf.Pdf) -> bool:
    """Rewrite, in ``doc``, every ToUnicode map that names radicals; whether any did."""
    changed = False
    seen: set[tuple[int, int]] = set()
    for page in doc.pages:
        for font in _fonts(page.obj.get("/Resources"), seen):
            stream = font.get("/ToUnicode")
            if stream is None:
                continue
            new = fix_cmap(stream.read_bytes().decode("latin-1"))
            if new is not None:
                stream.write(new.encode("latin-1"))
                changed = True
    return changed


def fix_text_layer(pdf: bytes) -> bytes:
    """``pdf`` with every ToUnicode map free of radicals (unchanged when none had any)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        if not fix_document(doc):
            return pdf
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
