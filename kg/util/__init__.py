"""Plumbing shared by the stages: atomic writes, fork helpers, name normalisation."""
