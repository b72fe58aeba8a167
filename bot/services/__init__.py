"""Plain services (no Telegram types): intake, journey, quality and delivery."""
