"""The patient's journey from invite to receipt, as plain services with no Telegram in them."""
