"""How much one input may hold. Each limit sits well above anything real and far below what
takes a machine down; docs/reliability.md lists them with the reasons.

Past a limit the input is refused with a message naming the file, row and field, and nothing
is written (imports are all or nothing). The real H2020 set, for scale: names and titles up to
200 characters, summaries up to 3,800, 5,470 organisations in one 1 MB file.
"""

from __future__ import annotations

#: One imported file (CSV, XLSX or JSON). The whole file is read into memory, and parsing
#: needs a few times its size; split a larger export.
MAX_FILE_BYTES = 256 * 1024 * 1024

#: What an XLSX file (a zip archive) may unpack to: its sheets are XML, many times their
#: compressed size, and a small archive can claim gigabytes.
MAX_XLSX_UNPACKED_BYTES = 1024 * 1024 * 1024

#: Data rows (or JSON records) in one file.
MAX_ROWS = 1_000_000

#: Columns in one table (the widest native layout, Enhetsregisteret's bulk CSV, has about 70).
MAX_COLUMNS = 200

#: Any one value of a file.
MAX_FIELD_CHARS = 100_000

#: Descriptions, competences and project summaries: a profile is read as a page or two, and
#: every sentence of it is embedded.
MAX_TEXT_CHARS = 20_000

#: Organisation names and project titles.
MAX_NAME_CHARS = 500

#: Organisation and project ids.
MAX_ID_CHARS = 300

#: Sentence passages embedded per organisation (a description within MAX_TEXT_CHARS has
#: fewer unless it is a list of fragments); the rest of a longer text counts only in the
#: whole-profile vector.
MAX_PASSAGES_PER_ORGANISATION = 200
