"""The Compare page (logic in app/ui_compare.py)."""
from app.ui_compare import render

render()
