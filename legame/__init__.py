"""Legame: turns brand-community exports into the few KPIs an executive acts on."""
