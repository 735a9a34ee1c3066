"""The pictures of the annual report in README: the sample cluster's latest report, both languages.

    .venv/bin/python bench/readme_images.py            # writes docs/img/report-{nb,en}-N.png

Pages come from the PDF through poppler's pdftoppm, as a reader's PDF viewer would draw them.
The network views' pictures come from bench/bench_network_views.py --shots docs/img.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

OUT = common.REPO / "docs" / "img"


def main() -> None:
    from data.importers import import_path
    from data.store import PartnerStore
    from graph.cluster import load_cluster
    from graph.report import build_report, write_pdf

    if not shutil.which("pdftoppm"):
        sys.exit("needs poppler-utils (pdftoppm)")
    store = PartnerStore()
    import_path(store, common.REPO / "data" / "sample")
    records = store.organisations(), store.projects(), store.participations()
    year = max(p.start_year for p in records[1] if p.start_year)
    cluster = load_cluster(common.REPO / "data" / "sample" / "cluster.toml")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("report-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("nb", "en"):
            pdf = Path(tmp) / f"{lang}.pdf"
            report = build_report(*records, year=year, lang=lang, cluster=cluster, today=dt.date(2026, 1, 15))
            pages = write_pdf(report, pdf)
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(OUT / f"report-{lang}")], check=True)
            for page in OUT.glob(f"report-{lang}-*.png"):  # pdftoppm pads page numbers: report-nb-01.png
                page.rename(OUT / f"report-{lang}-{int(page.stem.rsplit('-', 1)[1])}.png")
            print(f"{lang}: {pages} pages of the {year} report in {OUT}")


if __name__ == "__main__":
    main()
