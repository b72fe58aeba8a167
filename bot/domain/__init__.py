"""Rules of the service shared by the patient's journey and the practice's inbox: ages, dates
of birth, and the questions asked with the service criteria they apply. Plain Python: no
Telegram, no store, and neither `bot.journey` nor `bot.inbox` (both import from here)."""
