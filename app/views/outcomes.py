"""The Outcomes page (logic in app/ui_outcomes.py)."""
from app.ui_outcomes import render

render()
