"""Hostile moments and outputs of the `samspill` command, round 3.

`-o -` (standard output) for what is text and a one-line refusal for what is binary; Ctrl-C at any
moment, from loading the modules to writing the output (one line, exit code 130, nothing
half-written); a benchmark file read once; and the outputs' cells, names and paths that a
spreadsheet, an XML parser or the file system would take the wrong way.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


# -- evaluate cluster: the benchmark file is read once ----------------------------------------------


def test_the_benchmark_scored_is_the_one_read_before_embedding(tmp_path):
    """The file was read before embedding and again after it: a file changed in between (here
    broken) was scored as it then was, or refused after the minutes of embedding."""
    from matching.benchmark import evaluate_cluster, load_benchmark
    from matching.testing import HashingEmbedder

    path = tmp_path / "benchmark.toml"
    shutil.copy(REPO / "data" / "sample" / "benchmark.toml", path)
    expected = {idea.idea_id for idea in load_benchmark(path)}

    class ChangesTheFile(HashingEmbedder):
        def embed_passages(self, texts):
            path.write_text("not = toml = at all", encoding="utf-8")
            return super().embed_passages(texts)

    results = evaluate_cluster(ChangesTheFile(), benchmark=path)
    assert {r.idea.idea_id for r in results} == expected
