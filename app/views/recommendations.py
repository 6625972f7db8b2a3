"""The Recommendations page (logic in app/ui_recommendations.py)."""
from app.ui_recommendations import render

render()
