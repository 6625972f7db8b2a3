"""The Action plan page (logic in app/ui_plan.py)."""
from app.ui_plan import render

render()
