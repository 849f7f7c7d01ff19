"""Streamlit glue shared by app.py and the pages: sidebar state, cached loaders, charts and tables.

The analytics live in src/monitor, which imports no Streamlit; this package is the only bridge.
"""
