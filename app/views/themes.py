"""The Themes page (logic in app/ui_themes.py)."""
from app.ui_themes import render

render()
