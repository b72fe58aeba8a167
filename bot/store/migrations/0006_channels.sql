-- Delivery channels per practice (Telegram, NHSmail, MESH), the channel of each outbox item,
-- and the NHS number given at invite time where the practice delivers by MESH.

ALTER TABLE practices ADD COLUMN deliver TEXT NOT NULL DEFAULT 'telegram';
ALTER TABLE practices ADD COLUMN telegram_notify_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE practices ADD COLUMN inbox_email TEXT;
ALTER TABLE practices ADD COLUMN mesh_mailbox TEXT;
ALTER TABLE practices ADD COLUMN ods_code TEXT;
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
ALTER TABLE outbox ADD COLUMN remote_id TEXT;
ALTER TABLE invites ADD COLUMN nhs_number TEXT;
