"""Organisations (advisers): browse and search profiles, edit one in place, import files.

A saved profile is re-embedded at once, so the next match sees it, and the page is drawn
again so every panel shows the new text. Each profile has a link (``/organisasjoner?org=ID``;
the address bar follows the open profile) and shows its contact persons and what was changed
in it, by whom and when (companies edit their own profiles too). Imports show a progress bar
and what was added, updated or refused (in the reader's language), and the uploader is
emptied after each import so no file is sent twice.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app_pages import auth, routes
from app_pages.common import ALL, error_text, library_errors, md, org_option_label, show_profile
from app_pages.i18n import kind_label, labels, lang, number, t
from app_pages.profile_form import change_history, contact_inputs, save_and_redraw
from app_pages.resources import get_store, refresh_index
from data.contacts import contacts_of, profile_changes
from data.importers import ImportFileError
from data.importers.messages import describe, describe_note
from data.models import KINDS
from data.store import StoreError

#: File names that together form one interchange folder (imported as one unit).
FOLDER_NAMES = {
    f"{table}.{ext}" for table in ("organisations", "projects", "participations") for ext in ("csv", "xlsx")
} | {"project.json", "organization.json"}
REPORT_KEY = "organisations_import_report"
UPLOADS_KEY = "organisations_uploads"  # a new uploader after each import: no file is sent twice
SAVED_KEY = "organisations_saved_message"
LINKED_KEY = "organisations_linked_org"
FORM_FIELDS = ("name", "kind", "mun", "region", "country", "desc", "comp", "web", "addr")  # widget key parts


def page() -> None:
    store = get_store()
    viewer = auth.current_viewer(store)
    st.title(t("orgs.title"))
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved:
        st.success(saved, icon=":material/check_circle:")
    browse, upload = st.tabs([t("orgs.tab_browse"), t("orgs.tab_import")], key="organisations_tab")
    with upload:
        _import_files(store)
    with browse:
        if not store.counts()["organisations"]:
            st.info(t("app.empty_db", db=store.path), icon=":material/database:")
        else:
            _browse(store, viewer)


# -- browse and edit -----------------------------------------------------------------------


def _linked_org(store) -> None:
    """Open the profile a link names (``?org=ID``) once; then the person chooses."""
    linked = st.query_params.get("org")
    if not linked or st.session_state.get(LINKED_KEY) == linked:
        return
    st.session_state[LINKED_KEY] = linked
    if store.has_organisation(linked):
        st.session_state["organisations_search"] = ""
        st.session_state["organisations_kind"] = ALL
        st.session_state["organisations_open"] = linked
    else:
        st.error(t("links.org_not_found", id=linked[:80]), icon=":material/link_off:")


def _recent_changes(store, viewer) -> None:
    """Which profiles companies changed lately (advisers keep an eye on the matcher's evidence)."""
    by_companies = [c for c in profile_changes(store, viewer, limit=50) if c.changed_by != viewer.username]
    if not by_companies:
        return
    names = {}
    for change in by_companies:
        names.setdefault(change.org_id, change)
    shown = list(names.values())[:5]
    links = [f"[{md(_name(store, c.org_id))}]({routes.link('organisations', org=c.org_id)}) ({c.changed_at[:10]})"
             for c in shown]
    st.caption(t("orgs.recent_changes", changes=", ".join(links)))


def _name(store, org_id: str) -> str:
    return store.organisation(org_id).name if store.has_organisation(org_id) else org_id


def _browse(store, viewer) -> None:
    _linked_org(store)
    _recent_changes(store, viewer)
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
        st.info(t("orgs.none_found"), icon=":material/search_off:")
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
    if st.session_state.get("organisations_open") not in [o.org_id for o in found]:
        st.session_state.pop("organisations_open", None)
    org_id = st.selectbox(
        t("orgs.open"),
        options=[o.org_id for o in found],
        format_func={o.org_id: org_option_label(o) for o in found}.get,
        key="organisations_open",
    )
    if org_id is None:
        return
    st.query_params["org"] = org_id  # the address bar is the profile's link
    st.session_state[LINKED_KEY] = org_id
    profile, edit = st.columns([3, 2], gap="large")
    with profile:
        st.subheader(t("orgs.profile"))
        st.caption(t("links.org_link", url=routes.link("organisations", org=org_id)))
        show_profile(store, org_id, viewer=viewer)
        change_history(store, viewer, org_id)
    with edit:
        _edit_form(store, viewer, org_id)


def _edit_form(store, viewer, org_id: str) -> None:
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
        c1, c2 = st.columns(2)
        website = c1.text_input(t("field.website"), value=org.website, key=f"organisations_web_{org_id}")
        address = c2.text_input(t("field.address"), value=org.address, key=f"organisations_addr_{org_id}")
        contacts = contact_inputs(f"organisations_{org_id}", contacts_of(store, viewer, org_id))
        saved = st.form_submit_button(
            t("orgs.save"), type="primary", icon=":material/save:", key=f"organisations_save_{org_id}"
        )
    if not saved:
        return
    changes = {
        "name": name, "kind": kind, "municipality": municipality, "region": region, "country": country,
        "description": description, "competences": competences, "website": website, "address": address,
    }
    form_keys = {f"organisations_{field}_{org_id}" for field in FORM_FIELDS}
    save_and_redraw(store, viewer, org_id, changes, contacts, saved_key=SAVED_KEY, saved_text="orgs.saved",
                    forget=lambda key: key in form_keys or key.startswith(f"organisations_{org_id}_contact_"))


# -- import ------------------------------------------------------------------------------------


def _import_files(store) -> None:
    st.write(t("orgs.import_intro"))
    st.caption(t("orgs.import_columns"))
    generation = st.session_state.setdefault(UPLOADS_KEY, 0)
    # The box's own words are Streamlit's and English in every language (README, "Known limits"):
    # the reader's language says above it what to do.
    st.caption(t("orgs.import_how"))
    files = st.file_uploader(
        t("orgs.import_files"),
        type=["csv", "xlsx", "json", "tsv", "txt"],
        accept_multiple_files=True,
        key=f"organisations_upload_{generation}",
    )
    if st.button(t("orgs.import_button"), key="organisations_import", type="primary", disabled=not files):
        st.session_state[REPORT_KEY] = _run_import(store, files)
        st.session_state[UPLOADS_KEY] = generation + 1  # the files leave the uploader; the report stays
        st.rerun()
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
            bar.progress(i / (len(units) + 1), text=t("orgs.import_file", name=md(label), i=i + 1, n=len(units)))
            try:
                results.append({"name": label, "report": import_path(store, unit), "error": None})
            except ImportFileError as exc:  # names file, row and column; nothing was written
                results.append({"name": label, "report": None, "error": exc})
            except StoreError as exc:
                results.append({"name": label, "report": None, "error": exc})
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
            error = r["error"]
            message = md(describe(error, lang())) if isinstance(error, ImportFileError) else error_text(error)
            st.error(t("orgs.import_refused", name=md(r["name"]), message=message), icon=":material/block:")
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
                    for table in ("organisations", "projects", "participations", "contacts")
                    if table != "contacts" or report.contacts.changed or report.contacts.unchanged
                ],
                hide_index=True,
            )
            if not report.changed:
                st.caption(t("orgs.import_nothing_changed"))
            for note in report.notes:
                st.caption(md(describe_note(note, lang())))
    if results["indexed"]:
        st.caption(t("orgs.import_index_updated"))


if __name__ == "__main__":  # run as a page script by st.navigation
    page()
