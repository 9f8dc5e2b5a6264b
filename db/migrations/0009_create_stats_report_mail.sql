-- The monthly statistics report by e-mail (SPEC 4.7): coordinators opt in; last month's report goes out on
-- the first working day of each month. `stats_report_mails` is the "sent" mark: its primary key
-- (user_id, month) is written in the same transaction as the outbox row, so a report goes out exactly once
-- per person and month, also when two schedulers run or the server restarts halfway through.
CREATE TABLE stats_report_subscriptions (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE stats_report_mails (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
  sent_at TEXT NOT NULL,
  PRIMARY KEY (user_id, month)
) STRICT, WITHOUT ROWID;
