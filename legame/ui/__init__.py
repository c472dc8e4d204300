"""Streamlit glue: the shared connection, the role guard, and widgets every page reuses."""
