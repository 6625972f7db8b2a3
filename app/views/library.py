"""The Library page (logic in app/ui_library.py)."""
from app.ui_library import render

render()
