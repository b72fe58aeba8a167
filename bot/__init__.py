"""Teledermatology photo bot: guides patients through photos and delivers checked sets to GPs."""
