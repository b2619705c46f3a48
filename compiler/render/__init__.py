"""Renderers: results (table, JSON, CSV), and later reports (Jinja2) and diagrams (Graphviz)."""
