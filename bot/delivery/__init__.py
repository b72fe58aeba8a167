"""Documents the GP receives about a case, built without Telegram (the referral pack PDF)."""
