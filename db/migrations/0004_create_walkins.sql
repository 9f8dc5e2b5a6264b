-- Arrival: walk-in numbers taken at the kiosk, and the calls shown on a branch's public queue display.

-- One row per number handed out. Numbers run 1, 2, 3 … per branch per local day (Europe/Amsterdam) with no
-- gaps and no duplicates: the UNIQUE constraint holds even if two processes ever compute the same next number.
CREATE TABLE walkins (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  number INTEGER NOT NULL CHECK (number >= 1),
  -- A plain topic key chosen at the kiosk (optional); never free text, so nothing personal ends up here.
  topic TEXT NOT NULL DEFAULT '' CHECK (topic IN ('', 'digid', 'taxes', 'allowances', 'device', 'municipality', 'other')),
  status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'called', 'in_progress', 'done', 'no_show')),
  -- Secret for the printable ticket page, so tickets cannot be looked up by guessing ids.
  ticket_token TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  called_at TEXT,
  called_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  desk INTEGER CHECK (desk IS NULL OR desk BETWEEN 1 AND 50),
  started_at TEXT,
  started_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  finished_at TEXT,
  finished_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  UNIQUE (branch_id, local_date, number)
) STRICT;
CREATE INDEX walkins_queue ON walkins (branch_id, local_date, status);

-- What the public queue display shows: "number 12, desk 2" or "appointment 10:30, desk 1". Only a label
-- and a desk, never a name. A row is written each time staff call someone (calling again adds a row).
CREATE TABLE queue_calls (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  local_date TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('walkin', 'appointment')),
  subject_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  desk INTEGER NOT NULL CHECK (desk BETWEEN 1 AND 50),
  called_at TEXT NOT NULL,
  called_by INTEGER REFERENCES users (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX queue_calls_recent ON queue_calls (branch_id, local_date, called_at);
