"""The report as PDF with reportlab's Platypus: the library wraps text, breaks pages and repeats table heads.

Text is set in DejaVu Sans (the TrueType files matplotlib ships), embedded
and subset, so æøå, dashes and «» come out as written and the PDF's text can
be searched and copied. Names reach Platypus as escaped text, never markup; what
DejaVu Sans lacks is set in Noto Emoji or Noto Sans Symbols, or written out when no
face has it (:mod:`graph.glyphs`).
Each page carries the cluster's name and "page n of N" in the footer.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from data.text import t
from graph.glyphs import drawable, fallback_files, runs
from graph.report.content import Bullets, Cell, Figure, Paragraph, Report, Table

__all__ = ["write_pdf"]

_FONT = "SamspillSans"
_BOLD = "SamspillSans-Bold"


@functools.cache
def _fonts() -> None:
    from matplotlib import get_data_path
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    if not getattr(ttfonts.makeToUnicodeCMap, "samspill", False):
        ttfonts.makeToUnicodeCMap = _astral_to_unicode(ttfonts.makeToUnicodeCMap)
    folder = Path(get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(_FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    for face, path in fallback_files().items():
        pdfmetrics.registerFont(TTFont(_fallback(face), str(path)))
    addMapping(_FONT, 0, 0, _FONT)
    addMapping(_FONT, 1, 0, _BOLD)
    addMapping(_FONT, 0, 1, _FONT)
    addMapping(_FONT, 1, 1, _BOLD)


def _styles(primary: str):
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    ink = colors.HexColor("#1D2A33")
    grey = colors.HexColor("#4A5660")
    brand = colors.HexColor(primary)
    base = ParagraphStyle("body", fontName=_FONT, fontSize=9.5, leading=13.5, textColor=ink, spaceAfter=5)
    return {
        "kicker": ParagraphStyle("kicker", base, fontName=_BOLD, fontSize=11, leading=14, textColor=brand),
        "title": ParagraphStyle("title", base, fontName=_BOLD, fontSize=22, leading=27, textColor=brand,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", base, textColor=grey, spaceAfter=14),
        "h2": ParagraphStyle("h2", base, fontName=_BOLD, fontSize=14, leading=18, textColor=brand, spaceBefore=12,
                             spaceAfter=6, keepWithNext=1),
        "body": base,
        "lead": ParagraphStyle("lead", base, fontSize=10.5, leading=15, spaceAfter=7),
        "note": ParagraphStyle("note", base, fontSize=8, leading=11, textColor=grey, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11, spaceAfter=0),
        "cellnum": ParagraphStyle("cellnum", base, fontSize=8.5, leading=11, spaceAfter=0, alignment=2),
        "cellnote": ParagraphStyle("cellnote", base, fontSize=7.2, leading=9.2, textColor=grey, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName=_BOLD, fontSize=8.5, leading=11, textColor=colors.white,
                               spaceAfter=0),
        "headnum": ParagraphStyle("headnum", base, fontName=_BOLD, fontSize=8.5, leading=11,
                                  textColor=colors.white, spaceAfter=0, alignment=2),
        "internal": ParagraphStyle("internal", base, fontName=_BOLD, textColor=colors.HexColor("#B03A2E")),
    }


def _astral_to_unicode(make):
    """reportlab's ToUnicode map, with characters past U+FFFF written as UTF-16 (two code units).

    reportlab (5.1) writes U+1F41F as ``<1F41F>``, which readers take for U+1F41: an emoji set in
    Noto Emoji was drawn, but copied and searched as a Greek letter.
    """
    def to_unicode(fontname, subset):
        return re.sub(r"^(<[0-9A-F]{2}>) <([0-9A-F]{5,6})>$",
                      lambda m: f"{m[1]} <{chr(int(m[2], 16)).encode('utf-16-be').hex().upper()}>",
                      make(fontname, subset), flags=re.MULTILINE)

    to_unicode.samspill = True
    return to_unicode


def _fallback(face: str) -> str:
    return "Samspill-" + face.replace(" ", "")


def _text(value: str) -> str:
    # Platypus reads a small markup language; names and reasons are data. What DejaVu Sans lacks
    # is set in a fallback face, or written out when no face has it (graph.glyphs).
    _fonts()
    return "".join(escape(piece) if face is None else f'<font name="{_fallback(face)}">{escape(piece)}</font>'
                   for face, piece in runs(value)).replace("\n", "<br/>")


def _cell(cell: Cell, styles, head: bool = False):
    from reportlab.platypus import Paragraph as P

    if head:
        return P(_text(cell.text), styles["headnum" if cell.number else "head"])
    text = P(_text(cell.text), styles["cellnum" if cell.number else "cell"])
    if cell.note:
        return [text, P(_text(cell.note), styles["cellnote"])]
    return text


def _table(block: Table, styles, width: float, primary: str):
    from reportlab.lib import colors
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    total = sum(block.widths)
    widths = [width * w / total for w in block.widths]
    data = [[_cell(c, styles, head=True) for c in block.columns]]
    data += [[_cell(c, styles) for c in row] for row in block.rows]
    table = RLTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(primary)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for i in range(2, len(data), 2):
        style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F0F3F6")))
    table.setStyle(TableStyle(style))
    return table


def _figure(block: Figure, styles, width: float, height_left: float, before: list):
    """Heading and introduction, the picture and its caption as one piece that moves to a new page whole.

    The picture shrinks (keeping its shape) to what is left of the page when at least 60 % of it
    fits there, so a page is not left two thirds empty for want of a few centimetres.
    """
    from reportlab.platypus import Flowable, Image
    from reportlab.platypus import Paragraph as P

    full_w = width * block.width
    full_h = min(full_w * block.aspect, height_left)  # never taller than a page
    caption = [P(_text(block.caption), styles["note"])] if block.caption else []

    class FigureBlock(Flowable):
        def wrap(self, avail_width, avail_height):
            self.texts = [(f, f.wrap(avail_width, avail_height)[1]) for f in (*before, *caption)]
            words = sum(h + f.getSpaceBefore() + f.getSpaceAfter() for f, h in self.texts)
            room = avail_height - words - 4
            self.image_h = full_h if room >= full_h or room < 0.6 * full_h else room
            self.width = avail_width
            self.height = words + self.image_h + 4
            return avail_width, self.height

        def split(self, avail_width, avail_height):
            return []  # whole, on the next page

        def draw(self):
            y = self.height
            for f, h in self.texts[: len(before)]:
                y -= f.getSpaceBefore() + h
                f.drawOn(self.canv, 0, y)
                y -= f.getSpaceAfter()
            image_w = self.image_h / block.aspect
            y -= self.image_h + 2
            Image(io.BytesIO(block.png), width=image_w, height=self.image_h).drawOn(
                self.canv, (self.width - image_w) / 2, y)
            y -= 2
            for f, h in self.texts[len(before):]:
                y -= f.getSpaceBefore() + h
                f.drawOn(self.canv, 0, y)

    return FigureBlock()


def _numbered_canvas(footer: str, lang: str):
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        """Holds each page until the end, so the footer can say "page n of N"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(_FONT, 7.5)
                self.setFillGray(0.45)
                width, _ = self._pagesize
                self.drawString(56.7, 28, drawable(footer, fallbacks=False))
                self.drawRightString(width - 56.7, 28, t(lang, "report.page", page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


def write_pdf(report: Report, path: str | Path) -> int:
    """Write the report as an A4 PDF; returns the number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, PageBreak, SimpleDocTemplate, Spacer
    from reportlab.platypus import Paragraph as P
    from reportlab.platypus import Table as RLTable

    _fonts()
    styles = _styles(report.cluster.primary)
    margin = 2 * cm
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin, title=f"{report.kicker} – {report.title}", author=report.kicker,
                            subject=report.subtitle, creator="Samspill", lang=report.lang)
    width = A4[0] - 2 * margin
    height = A4[1] - 2 * margin
    story: list = []
    heading = [P(_text(report.kicker), styles["kicker"]), P(_text(report.title), styles["title"]),
               P(_text(report.subtitle), styles["subtitle"])]
    if report.cluster.logo:
        logo = Image(io.BytesIO(report.cluster.logo))
        scale = min(1.5 * cm / logo.imageHeight, 3.2 * cm / logo.imageWidth)
        logo.drawWidth, logo.drawHeight = logo.imageWidth * scale, logo.imageHeight * scale
        story.append(RLTable([[heading, logo]], colWidths=[width - 3.4 * cm, 3.4 * cm],
                             style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    else:
        story += heading
    for number, section in enumerate(report.all_sections):
        if section.new_page and number:
            story.append(PageBreak())
        flowables: list = [P(_text(section.title), styles["h2"])]
        if section.internal:
            flowables.append(P(_text(t(report.lang, "rep.internal_note")), styles["internal"]))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                flowables.append(P(_text(block.text), styles[block.style]))
            elif isinstance(block, Bullets):
                for item in block.items:
                    flowables.append(P(_text(item), styles[block.style], bulletText="•"))
                flowables.append(Spacer(1, 4))
            elif isinstance(block, Table):
                flowables.append(_table(block, styles, width, report.cluster.primary))
                flowables.append(Spacer(1, 6))
            elif isinstance(block, Figure):
                # The heading and text before the first picture go with it.
                before = [f for f in flowables if isinstance(f, P)] if not any(
                    isinstance(f, RLTable) for f in flowables) else []
                flowables = [f for f in flowables if f not in before]
                flowables.append(_figure(block, styles, width, height - 2 * cm, before))
        story += flowables
    doc.build(story, canvasmaker=_numbered_canvas(report.kicker, report.lang))
    return doc.page
