-- Foundation: accounts, branches and their schedule, sessions, sign-in throttling, audit log, mail outbox.
-- Instants are stored as ISO 8601 UTC text (sortable); local dates (Europe/Amsterdam) as YYYY-MM-DD;
-- local wall-clock times as HH:MM.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE branches (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  postcode TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  municipality TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  inside_library INTEGER NOT NULL DEFAULT 1 CHECK (inside_library IN (0, 1)),
  staffing_model TEXT NOT NULL DEFAULT 'volunteers'
    CHECK (staffing_model IN ('volunteers', 'employees', 'mixed', 'partner')),
  slot_minutes INTEGER NOT NULL DEFAULT 30 CHECK (slot_minutes BETWEEN 5 AND 240),
  desks INTEGER NOT NULL DEFAULT 1 CHECK (desks BETWEEN 1 AND 50),
  horizon_days INTEGER NOT NULL DEFAULT 28 CHECK (horizon_days BETWEEN 1 AND 365),
  min_notice_minutes INTEGER NOT NULL DEFAULT 60 CHECK (min_notice_minutes BETWEEN 0 AND 20160),
  retired_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX branches_name_unique ON branches (name COLLATE NOCASE);

-- Several periods per weekday (e.g. 10:00-12:30 and 13:30-17:00). weekday: 1 = Monday ... 7 = Sunday.
CREATE TABLE opening_hours (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  opens TEXT NOT NULL CHECK (opens GLOB '[0-2][0-9]:[0-5][0-9]'),
  closes TEXT NOT NULL CHECK (closes GLOB '[0-2][0-9]:[0-5][0-9]'),
  CHECK (opens < closes)
) STRICT;
CREATE INDEX opening_hours_branch ON opening_hours (branch_id, weekday, opens);

-- A closure covers whole local days from start_date to end_date inclusive (a single day has both equal).
CREATE TABLE closures (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  CHECK (start_date <= end_date)
) STRICT;
CREATE INDEX closures_branch ON closures (branch_id, start_date);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator', 'expert', 'admin')),
  password_hash TEXT,
  -- Set when an admin resets a password: the user must choose a new one at next sign-in.
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  disabled_at TEXT,
  -- Reserved for the kiosk quick switch (SPEC 4.11) and second factor; unused until those issues land.
  pin_hash TEXT,
  totp_secret TEXT,
  last_sign_in_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_email_unique ON users (email COLLATE NOCASE);

CREATE TABLE user_branches (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, branch_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX user_branches_branch ON user_branches (branch_id);

CREATE TABLE sessions (
  sid TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  expires_at INTEGER NOT NULL, -- epoch milliseconds
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins per key ("account:<email>", "client:<ip>", "pair:<email>|<ip>").
CREATE TABLE sign_in_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_started_at TEXT NOT NULL,
  locked_until TEXT
) STRICT;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  actor_label TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  subject_type TEXT,
  subject_id TEXT,
  branch_id INTEGER REFERENCES branches (id) ON DELETE SET NULL,
  ip TEXT,
  details TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at);

-- Durable outbox: written in the same transaction as the business change, delivered by the sender.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  message_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  attachments TEXT NOT NULL DEFAULT '[]',
  related_type TEXT,
  related_id INTEGER,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_related ON outbox (related_type, related_id);
