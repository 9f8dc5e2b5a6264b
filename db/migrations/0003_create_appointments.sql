-- Appointments (citizen bookings). Instants are ISO 8601 UTC text; local_date/local_time repeat the
-- Europe/Amsterdam wall clock so day lists and reminders never have to convert back.

CREATE TABLE appointments (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  local_time TEXT NOT NULL CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),
  -- A stable key from the intake taxonomy or the booking topic list; no foreign key on purpose, so a
  -- retired category never breaks an old booking.
  topic_key TEXT NOT NULL,
  -- Short code for the phone, the desk and the kiosk: no look-alike characters (0/O, 1/I/L).
  code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 6 AND 8 AND code NOT GLOB '*[^23456789ABCDEFGHJKMNPQRSTUVWXYZ]*'),
  -- sha256 (hex) of the secret manage token; the token itself is never stored.
  token_hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'booked'
    CHECK (status IN ('booked', 'arrived', 'in_progress', 'done', 'no_show', 'cancelled')),
  name TEXT NOT NULL DEFAULT '',
  email TEXT,
  phone TEXT,
  needs TEXT NOT NULL DEFAULT '{}',
  language TEXT NOT NULL DEFAULT 'nl',
  channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'desk')),
  booked_by_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  -- A coordinator may book beyond the desks (audited); such rows are exempt from the capacity trigger.
  capacity_override INTEGER NOT NULL DEFAULT 0 CHECK (capacity_override IN (0, 1)),
  ics_sequence INTEGER NOT NULL DEFAULT 0,
  reminder_sent_at TEXT,
  -- One per submitted public form: a double submit or back/forward re-post finds the first booking.
  idempotency_key TEXT UNIQUE,
  cancel_reason TEXT,
  cancelled_at TEXT,
  cancelled_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  arrived_at TEXT,
  arrived_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  in_progress_at TEXT,
  done_at TEXT,
  done_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  no_show_at TEXT,
  no_show_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  personal_data_purged_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (starts_at < ends_at)
) STRICT;

CREATE INDEX appointments_slot ON appointments (branch_id, starts_at) WHERE status NOT IN ('cancelled', 'no_show');
CREATE INDEX appointments_day ON appointments (branch_id, local_date, local_time);
CREATE INDEX appointments_reminder ON appointments (starts_at) WHERE reminder_sent_at IS NULL AND status = 'booked';

-- Capacity is a database invariant: active bookings for one branch and start time never exceed the
-- branch's desks, whatever the code above does. Bookings run in BEGIN IMMEDIATE transactions, so the
-- count and the insert cannot interleave with another writer.
CREATE TRIGGER appointments_capacity_insert
BEFORE INSERT ON appointments
WHEN NEW.status NOT IN ('cancelled', 'no_show') AND NEW.capacity_override = 0
BEGIN
  SELECT RAISE(ABORT, 'capacity')
  WHERE (SELECT count(*) FROM appointments
         WHERE branch_id = NEW.branch_id AND starts_at = NEW.starts_at AND status NOT IN ('cancelled', 'no_show'))
        >= (SELECT desks FROM branches WHERE id = NEW.branch_id);
END;

-- On update only a row that newly takes a place in a slot is checked (moved, re-activated, or override
-- removed); marking an over-booked row arrived or done must stay possible.
CREATE TRIGGER appointments_capacity_update
BEFORE UPDATE OF branch_id, starts_at, status, capacity_override ON appointments
WHEN NEW.status NOT IN ('cancelled', 'no_show') AND NEW.capacity_override = 0
  AND (OLD.status IN ('cancelled', 'no_show') OR OLD.branch_id <> NEW.branch_id OR OLD.starts_at <> NEW.starts_at OR OLD.capacity_override = 1)
BEGIN
  SELECT RAISE(ABORT, 'capacity')
  WHERE (SELECT count(*) FROM appointments
         WHERE branch_id = NEW.branch_id AND starts_at = NEW.starts_at AND status NOT IN ('cancelled', 'no_show') AND id <> NEW.id)
        >= (SELECT desks FROM branches WHERE id = NEW.branch_id);
END;
