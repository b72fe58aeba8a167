"""Helpers shared by the tests (python-telegram-bot's own convention: tests/auxil/).

Test modules import helpers from here and from bot only, never from a conftest or another test
module; fixtures stay in the conftest files, which may import from here.
"""
