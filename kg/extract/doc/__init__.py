"""spaCy components over one doc: candidate mentions and statement candidates."""
