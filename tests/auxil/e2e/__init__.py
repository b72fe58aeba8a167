"""Helpers for end-to-end tests: a patient, a practice, the bot as a process, SMTP and MESH."""
