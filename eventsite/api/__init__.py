"""Public JSON API (counts only, no personal data)."""
