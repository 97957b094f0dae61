"""Where extractions are kept: the cross-build cache and a build's on-disk store."""
