"""Loaders: parse, locate, normalise and validate incoming figures (no database access)."""
