-- Reminder e-mails to borrowers in any of the six citizen languages (issue #13 item 3). SQLite cannot change
-- the CHECK on borrowers.language (nl, en) without rebuilding a table that loans point to, so the language
-- moves to a new column with the wider check; the old column keeps its values and is no longer written.
ALTER TABLE borrowers ADD COLUMN mail_language TEXT NOT NULL DEFAULT 'nl'
  CHECK (mail_language IN ('nl', 'en', 'ar', 'tr', 'pl', 'uk'));
UPDATE borrowers SET mail_language = language;
