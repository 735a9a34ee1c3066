"""/network: exports and the annual report as downloads, for every signed-in role."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest


@pytest.mark.parametrize("name", ["radgiver", "bedrift1"])
def test_gexf_export_reads_back_as_the_network(api, name):
    answer = api.get("/network/export", params={"format": "gexf", "cumulative": True}, headers=api.headers_of(name))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/xml")
    assert "attachment" in answer.headers["content-disposition"]
    G = nx.read_gexf(io.BytesIO(answer.content))
    assert G.number_of_nodes() > 10 and G.number_of_edges() > 0
    assert set(G.nodes) <= {o.org_id for o in api.service.store.organisations()}


def test_kumu_and_csv_exports(api):
    kumu = api.get("/network/export", params={"format": "kumu"}, headers=api.headers_of("radgiver"))
    assert kumu.status_code == 200 and "elements" in json.loads(kumu.content)
    csv = api.get("/network/export", params={"format": "csv", "cumulative": True}, headers=api.headers_of("radgiver"))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")


def test_report_as_html(api):
    answer = api.get("/network/report", params={"format": "html", "lang": "en"}, headers=api.headers_of("bedrift2"))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert "<html" in answer.text.lower()


def test_report_as_word_for_editing(api):
    import io
    import zipfile

    answer = api.get("/network/report", params={"format": "docx"}, headers=api.headers_of("radgiver"))
    assert answer.status_code == 200 and answer.headers["content-type"].endswith("wordprocessingml.document")
    assert 'filename="report-' in answer.headers["content-disposition"]
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(answer.content)).namelist()


@pytest.mark.parametrize(
    ("params", "words"),
    [({"format": "docx"}, "format"), ({"year": 1800}, "year"), ({"lang": "de"}, "lang")],
)
def test_bad_parameters_are_one_line(api, params, words):
    answer = api.get("/network/export", params=params, headers=api.headers_of("radgiver"))
    assert answer.status_code == 422 and words in answer.json()["detail"]


def test_a_year_without_projects_is_a_clear_refusal(api):
    answer = api.get("/network/export", params={"year": 1990}, headers=api.headers_of("radgiver"))
    assert answer.status_code in (404, 422) and "\n" not in answer.json()["detail"]
