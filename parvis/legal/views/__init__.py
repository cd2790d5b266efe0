"""Views of the legal app, one module per area (calculator, acknowledgments, pieces, decisions, clock)."""
