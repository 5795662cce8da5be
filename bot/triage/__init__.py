"""Triage: severity and legal-risk flags of a text, from lexicons kept as data."""
