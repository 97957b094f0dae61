"""Decisions over one paper (its title and abstract docs together)."""
