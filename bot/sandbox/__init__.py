"""Try the bot without Telegram: the emulator, the real bot and a browser chat on 127.0.0.1."""
