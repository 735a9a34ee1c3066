"""The Streamlit pages of Samspill; ``streamlit_app.py`` routes to them.

Each page reads its widgets, validates, calls one library function and renders
the result. Resources (store, embedder, matcher) come from
:mod:`app_pages.resources`, every user-facing string from the text layer
(:mod:`data.text`) through :func:`app_pages.i18n.t`.
"""
