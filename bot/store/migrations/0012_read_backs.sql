-- How many dates of birth the bot has read back on a case ("3 February 1980, is that right?"):
-- each read-back's buttons carry its number, so a "Yes" under one that has since been replaced
-- (or already checked) neither confirms that date nor uses up a try. A workflow flag.

ALTER TABLE cases ADD COLUMN read_backs INTEGER NOT NULL DEFAULT 0;
