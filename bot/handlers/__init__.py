"""Telegram handlers: translate updates into calls on the services, and answers back."""
