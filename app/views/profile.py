"""The Profile page (logic in app/ui_profile.py)."""
from app.ui_profile import render

render()
