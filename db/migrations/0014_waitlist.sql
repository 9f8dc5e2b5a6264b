-- The waitlist (#13): a citizen for whom no time fits leaves a contact and a preference; a freed slot is
-- offered to the first matching person, held for a while, and passes on when it is not taken.

-- How long an offer holds its slot (default 4 hours); the service also never holds past the slot itself.
ALTER TABLE branches ADD COLUMN waitlist_hold_minutes INTEGER NOT NULL DEFAULT 240
  CHECK (waitlist_hold_minutes BETWEEN 15 AND 2880);

-- weekdays: '1,2,5' (1 = Monday ... 7 = Sunday); day_parts: 'morning,evening'. Small sets a citizen ticked,
-- matched in the service; kept as text so a waiting list of a few hundred people stays one simple table.
CREATE TABLE waitlist_entries (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  topic_key TEXT NOT NULL,
  name TEXT NOT NULL,
  email TEXT,
  phone TEXT,
  language TEXT NOT NULL DEFAULT 'nl',
  weekdays TEXT NOT NULL CHECK (weekdays GLOB '[1-7]*' OR weekdays = ''),
  day_parts TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'booked', 'removed')),
  ended_at TEXT,
  personal_data_purged_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (email IS NOT NULL OR phone IS NOT NULL OR personal_data_purged_at IS NOT NULL),
  CHECK ((status = 'waiting') = (ended_at IS NULL))
) STRICT;
CREATE INDEX waitlist_entries_by_branch ON waitlist_entries (branch_id, status, id);
CREATE INDEX waitlist_entries_email ON waitlist_entries (email) WHERE email IS NOT NULL;
CREATE INDEX waitlist_entries_phone ON waitlist_entries (phone) WHERE phone IS NOT NULL;

-- One offer of one slot to one entry. An open offer holds the slot (the availability counts it as taken).
CREATE TABLE waitlist_offers (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES waitlist_entries (id) ON DELETE CASCADE,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  starts_at TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'expired', 'withdrawn')),
  expires_at TEXT NOT NULL,
  appointment_id INTEGER REFERENCES appointments (id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((status = 'accepted') = (appointment_id IS NOT NULL))
) STRICT;
-- A person has at most one open offer; a slot offered once to a person is never offered to them again.
CREATE UNIQUE INDEX waitlist_offers_one_open_per_entry ON waitlist_offers (entry_id) WHERE status = 'open';
CREATE UNIQUE INDEX waitlist_offers_once_per_slot ON waitlist_offers (entry_id, starts_at);
CREATE INDEX waitlist_offers_open ON waitlist_offers (branch_id, starts_at) WHERE status = 'open';
-- An accepted offer is one booking; two accepts can never point at the same appointment.
CREATE UNIQUE INDEX waitlist_offers_appointment ON waitlist_offers (appointment_id) WHERE appointment_id IS NOT NULL;
