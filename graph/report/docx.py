"""The report as a Word document (python-docx), for the communications person to edit.

Headings use Word's own heading styles (so the navigation pane and a table of
contents work), tables Word's table grid, and the cluster's colour tints
headings and table heads. The logo sits in the page header.
"""

from __future__ import annotations

import io
from pathlib import Path

from data.text import t
from graph.report.content import Bullets, Cell, Figure, Paragraph, Report, Table

__all__ = ["write_docx"]


def _rgb(colour: str):
    from docx.shared import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


def _fill(cell, content: Cell, *, head: bool, primary: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph = cell.paragraphs[0]
    if content.number:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(content.text)
    run.font.size = Pt(9)
    if head:
        # Bold in the cluster's colour: shading a cell needs python-docx's private XML, which is
        # left alone; the editor can still apply any table style in Word.
        run.bold = True
        run.font.color.rgb = _rgb(primary)
    if content.note:
        note = cell.add_paragraph()
        note_run = note.add_run(content.note)
        note_run.font.size = Pt(7.5)
        note_run.font.color.rgb = RGBColor(0x4A, 0x56, 0x60)


def write_docx(report: Report, path: str | Path) -> None:
    """Write the report as a .docx file."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    text_width = Cm(17)
    primary = report.cluster.primary
    normal = document.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].font.color.rgb = _rgb(primary)
    core = document.core_properties
    core.title, core.author, core.subject, core.language = report.title, report.kicker, report.subtitle, report.lang
    core.comments = "Samspill"
    header = section.header.paragraphs[0]
    if report.cluster.logo:
        header.add_run().add_picture(io.BytesIO(report.cluster.logo), height=Cm(1.2))
        header.add_run("  ")
    header.add_run(report.kicker).font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.add_run(f"{report.kicker} – {report.title}").font.size = Pt(8)

    kicker = document.add_paragraph()
    kicker_run = kicker.add_run(report.kicker)
    kicker_run.bold = True
    kicker_run.font.color.rgb = _rgb(primary)
    document.add_heading(report.title, level=0)
    subtitle = document.add_paragraph().add_run(report.subtitle)
    subtitle.font.color.rgb = RGBColor(0x58, 0x65, 0x6F)
    for number, part in enumerate(report.all_sections):
        if part.new_page and number:
            document.add_page_break()
        document.add_heading(part.title, level=1)
        if part.internal:
            mark = document.add_paragraph().add_run(t(report.lang, "rep.internal_note"))
            mark.bold = True
            mark.font.color.rgb = RGBColor(0xB0, 0x3A, 0x2E)
        for block in part.blocks:
            if isinstance(block, Paragraph):
                run = document.add_paragraph().add_run(block.text)
                if block.style == "lead":
                    run.font.size = Pt(11.5)
                elif block.style == "note":
                    run.font.size = Pt(8.5)
                    run.font.color.rgb = RGBColor(0x4A, 0x56, 0x60)
            elif isinstance(block, Bullets):
                for item in block.items:
                    run = document.add_paragraph(style="List Bullet").add_run(item)
                    run.font.size = Pt(8.5)
            elif isinstance(block, Table):
                table = document.add_table(rows=1 + len(block.rows), cols=len(block.columns))
                table.style = "Table Grid"
                total = sum(block.widths)
                for j, w in enumerate(block.widths):
                    for row in table.rows:
                        row.cells[j].width = int(text_width * w / total)
                for j, column in enumerate(block.columns):
                    _fill(table.rows[0].cells[j], column, head=True, primary=primary)
                for i, row in enumerate(block.rows, start=1):
                    for j, cell in enumerate(row):
                        _fill(table.rows[i].cells[j], cell, head=False, primary=primary)
                document.add_paragraph()
            elif isinstance(block, Figure):
                document.add_picture(io.BytesIO(block.png), width=int(text_width * block.width))
                if block.caption:
                    caption = document.add_paragraph().add_run(block.caption)
                    caption.font.size = Pt(8.5)
                    caption.font.color.rgb = RGBColor(0x4A, 0x56, 0x60)
    document.save(str(path))
