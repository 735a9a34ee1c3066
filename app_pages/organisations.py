"""Organisations (advisers): browse and search profiles, edit one in place, import files.

A saved profile is re-embedded at once, so the next match sees it. Imports show
a progress bar and what was added, updated or refused.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import streamlit as st

from app_pages.common import ALL, library_errors, md, org_option_label, show_profile
from app_pages.i18n import kind_label, labels, number, t
from app_pages.resources import get_store, refresh_index
from data.models import KINDS
from data.store import StoreError

#: File names that together form one interchange folder (imported as one unit).
FOLDER_NAMES = {
    f"{table}.{ext}" for table in ("organisations", "projects", "participations") for ext in ("csv", "xlsx")
} | {"project.json", "organization.json"}
REPORT_KEY = "organisations_import_report"


def page() -> None:
    store = get_store()
    st.title(t("orgs.title"))
    browse, upload = st.tabs([t("orgs.tab_browse"), t("orgs.tab_import")])
    with upload:
        _import_files(store)
    with browse:
        if not store.counts()["organisations"]:
            st.info(t("app.empty_db", db=store.path), icon=":material/database:")
        else:
            _browse(store)


# -- browse and edit -----------------------------------------------------------------------


def _browse(store) -> None:
    left, right = st.columns([3, 1])
    query = left.text_input(t("orgs.search"), key="organisations_search", placeholder=t("orgs.search_placeholder"))
    kind = right.selectbox(
        t("orgs.kind"),
        options=[ALL, *KINDS],
        format_func=labels([ALL, *KINDS], lambda k: t("orgs.all_kinds") if k == ALL else kind_label(k)),
        key="organisations_kind",
    )
    found = store.search_organisations(query, limit=500) if query.strip() else store.organisations()
    if kind != ALL:
        found = [o for o in found if o.kind == kind]
    found = sorted(found, key=lambda o: o.name.lower())
    st.caption(t("orgs.found", n=number(len(found))))
    if not found:
        return
    st.dataframe(
        [
            {
                t("col.name"): o.name,
                t("col.kind"): kind_label(o.kind),
                t("col.place"): ", ".join(x for x in (o.municipality, o.region, o.country) if x),
                t("col.competences"): o.competences.replace(";", ", "),
                "id": o.org_id,
            }
            for o in found
        ],
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(found), 320),
    )
    org_id = st.selectbox(
        t("orgs.open"),
        options=[o.org_id for o in found],
        format_func={o.org_id: org_option_label(o) for o in found}.get,
        key="organisations_open",
    )
    if org_id is None:
        return
    profile, edit = st.columns([3, 2], gap="large")
    with profile:
        st.subheader(t("orgs.profile"))
        show_profile(store, org_id)
    with edit:
        _edit_form(store, org_id)


def _edit_form(store, org_id: str) -> None:
    org = store.organisation(org_id)
    st.subheader(t("orgs.edit"))
    kinds = list(KINDS) + ([org.kind] if org.kind not in KINDS else [])
    with st.form(f"organisations_edit_{org_id}"):
        name = st.text_input(t("col.name"), value=org.name, key=f"organisations_name_{org_id}")
        kind = st.selectbox(
            t("col.kind"),
            options=kinds,
            index=kinds.index(org.kind),
            format_func=labels(kinds, kind_label),
            key=f"organisations_kind_{org_id}",
        )
        c1, c2, c3 = st.columns(3)
        municipality = c1.text_input(t("orgs.municipality"), value=org.municipality, key=f"organisations_mun_{org_id}")
        region = c2.text_input(t("orgs.region"), value=org.region, key=f"organisations_region_{org_id}")
        country = c3.text_input(t("orgs.country"), value=org.country, key=f"organisations_country_{org_id}")
        description = st.text_area(
            t("orgs.description"), value=org.description, height=180, key=f"organisations_desc_{org_id}"
        )
        competences = st.text_input(
            t("orgs.competences"), value=org.competences, key=f"organisations_comp_{org_id}",
            help=t("orgs.competences_help"),
        )
        saved = st.form_submit_button(
            t("orgs.save"), type="primary", icon=":material/save:", key=f"organisations_save_{org_id}"
        )
    if not saved:
        return
    if not name.strip():
        st.error(t("orgs.need_name"))
        return
    updated = replace(
        org,
        name=name.strip(),
        kind=kind,
        municipality=municipality.strip(),
        region=region.strip(),
        country=country.strip().upper(),
        description=description.strip(),
        competences=competences.strip(),
    )
    if updated == org:
        st.info(t("orgs.unchanged"))
        return
    with library_errors() as outcome:
        store.update_organisation(updated)
        refresh_index()
    if not outcome.failed:
        st.success(t("orgs.saved", name=md(updated.name)), icon=":material/check_circle:")


# -- import ------------------------------------------------------------------------------------


def _import_files(store) -> None:
    st.write(t("orgs.import_intro"))
    files = st.file_uploader(
        t("orgs.import_files"),
        type=["csv", "xlsx", "json", "tsv", "txt"],
        accept_multiple_files=True,
        key="organisations_upload",
    )
    if st.button(t("orgs.import_button"), key="organisations_import", type="primary", disabled=not files):
        st.session_state[REPORT_KEY] = _run_import(store, files)
    results = st.session_state.get(REPORT_KEY)
    if results:
        _show_import_results(results)


def _units(folder: Path, names: list[str]) -> list[Path]:
    """What to import: the folder when the files form one interchange/CORDIS set, else each file."""
    if len(names) > 1 and all(n.lower() in FOLDER_NAMES for n in names):
        return [folder]
    return [folder / n for n in names]


def _run_import(store, files) -> dict:
    from data.importers import import_path

    results = []
    bar = st.progress(0.0, text=t("orgs.import_reading"))
    with tempfile.TemporaryDirectory(prefix="samspill-upload-") as tmp:
        folder = Path(tmp)
        names = []
        for f in files:
            name = Path(f.name).name  # never trust a client's path
            (folder / name).write_bytes(f.getvalue())
            names.append(name)
        units = _units(folder, names)
        for i, unit in enumerate(units):
            label = unit.name if unit != folder else ", ".join(sorted(names))
            bar.progress(i / (len(units) + 1), text=t("orgs.import_file", name=label, i=i + 1, n=len(units)))
            try:
                results.append({"name": label, "report": import_path(store, unit), "error": None})
            except StoreError as exc:  # ImportFileError names file, row and column; nothing was written
                results.append({"name": label, "report": None, "error": str(exc)})
    indexed = False
    if any(r["report"] is not None and r["report"].changed for r in results):
        bar.progress(len(units) / (len(units) + 1), text=t("orgs.import_indexing"))
        with library_errors() as outcome:
            refresh_index()
        indexed = not outcome.failed
    bar.empty()
    return {"files": results, "indexed": indexed}


def _show_import_results(results: dict) -> None:
    st.subheader(t("orgs.import_report"))
    for r in results["files"]:
        if r["error"] is not None:
            st.error(t("orgs.import_refused", name=md(r["name"]), message=md(r["error"])), icon=":material/block:")
            continue
        report = r["report"]
        with st.container(border=True):
            st.markdown(t("orgs.import_file_done", name=md(r["name"]), format=md(report.format)))
            st.dataframe(
                [
                    {
                        t("col.table"): t(f"orgs.table_{table}"),
                        t("col.added"): getattr(report, table).added,
                        t("col.updated"): getattr(report, table).updated,
                        t("col.unchanged"): getattr(report, table).unchanged,
                    }
                    for table in ("organisations", "projects", "participations")
                ],
                hide_index=True,
            )
            if not report.changed:
                st.caption(t("orgs.import_nothing_changed"))
            for note in report.notes:
                st.caption(md(note))
    if results["indexed"]:
        st.caption(t("orgs.import_index_updated"))


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
