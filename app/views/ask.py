"""The Ask page (logic in app/ui_ask.py)."""
from app.ui_ask import render

render()
