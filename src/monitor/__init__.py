"""Delinquency monitor: the analytics behind the dashboard (no Streamlit in here)."""
