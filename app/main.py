"""The Streamlit app: `inspections app` (or `streamlit run app/main.py`) with INSPECTIONS_INDEX naming the index.

Thin on purpose: each page is a file under app/views/ (not "pages/", which Streamlit would also serve on its own) that calls its app/ui_*.py module, and those call retrieval/.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` from a checkout that is not pip-installed
    sys.path.insert(0, str(ROOT))

import streamlit as st

st.set_page_config(page_title="Inspection reports", page_icon=":material/description:", layout="wide",
                   initial_sidebar_state="expanded")

PAGES = [
    st.Page("views/ask.py", title="Ask", icon=":material/chat:", default=True),
    st.Page("views/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("views/recommendations.py", title="Recommendations", icon=":material/checklist:"),
    st.Page("views/plan.py", title="Action plan", icon=":material/assignment_turned_in:"),
    st.Page("views/profile.py", title="Council profile", icon=":material/timeline:"),
    st.Page("views/themes.py", title="Themes", icon=":material/travel_explore:"),
    st.Page("views/outcomes.py", title="Outcomes", icon=":material/leaderboard:"),
    st.Page("views/library.py", title="Library", icon=":material/library_books:"),
]

page = st.navigation(PAGES, position="sidebar")

from app.ui_common import my_council_sidebar  # noqa: E402  (after set_page_config and the path above)

my_council_sidebar()  # "My council", on every page's sidebar
page.run()
