-- Device loans (SPEC 4.5): the inventory per branch, its append-only history, borrowers without accounts,
-- loans and reservations. The rules that protect the next borrower live here as constraints and triggers,
-- so no code path (a route, a script, a second process) can lend a device that is not ready:
--   * one active loan per device (partial unique index);
--   * a loan can only be made for a device that is available (or held for that very borrower);
--   * a returned device goes to needs_wipe, and only a `wiped` event recorded after the return lets it
--     become available again;
--   * one active loan per borrower unless someone allowed more on that loan.

CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  type TEXT NOT NULL CHECK (type IN ('laptop', 'tablet', 'phone', 'mifi', 'other')),
  asset_tag TEXT NOT NULL CHECK (length(asset_tag) BETWEEN 1 AND 40),
  serial TEXT NOT NULL DEFAULT '',
  make_model TEXT NOT NULL DEFAULT '',
  -- The parts that belong with the device (charger, case, cable, SIM…): a JSON array of short strings.
  kit TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(kit) AND json_type(kit) = 'array'),
  status TEXT NOT NULL DEFAULT 'available'
    CHECK (status IN ('available', 'reserved', 'on_loan', 'needs_wipe', 'in_repair', 'lost', 'retired')),
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
-- Tags are typed or scanned at the desk: "lap-001" and "LAP-001" are the same sticker.
CREATE UNIQUE INDEX devices_asset_tag_unique ON devices (asset_tag COLLATE NOCASE);
-- The inventory is listed per branch in tag order, a page at a time: without this index every page sorts
-- the whole branch (7 ms instead of 0.7 ms for 5,000 devices). The second one counts statuses (covering).
CREATE INDEX devices_branch_tag ON devices (branch_id, asset_tag COLLATE NOCASE);
CREATE INDEX devices_branch ON devices (branch_id, status, type);

-- Borrowers have no account. Found again by their contact within the branch, so one person's loans can be
-- shown, exported and erased (SPEC 4.9). The purge blanks name/contact/card and sets personal_data_purged_at.
CREATE TABLE borrowers (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  name TEXT NOT NULL,
  -- Normalised: e-mail lower-cased, phone digits only (a leading + kept), so the same person is found again.
  contact TEXT NOT NULL,
  contact_kind TEXT NOT NULL CHECK (contact_kind IN ('email', 'phone')),
  library_card TEXT,
  personal_data_purged_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX borrowers_contact_unique ON borrowers (branch_id, contact_kind, contact) WHERE personal_data_purged_at IS NULL;

CREATE TABLE loans (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  device_id INTEGER NOT NULL REFERENCES devices (id),
  borrower_id INTEGER NOT NULL REFERENCES borrowers (id),
  due_date TEXT NOT NULL CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  agreement_accepted_at TEXT NOT NULL,
  deposit_cents INTEGER NOT NULL DEFAULT 0 CHECK (deposit_cents BETWEEN 0 AND 100000),
  -- Kit parts handed over and (at return) missing: JSON arrays of the device's kit names.
  kit_out TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(kit_out) AND json_type(kit_out) = 'array'),
  missing_kit TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(missing_kit) AND json_type(missing_kit) = 'array'),
  -- Set when a coordinator allowed this borrower a further device (audited); otherwise one at a time.
  extra_allowed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  lent_at TEXT NOT NULL,
  lent_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  returned_at TEXT,
  returned_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  condition TEXT CHECK (condition IN ('fine', 'damaged', 'lost')),
  condition_note TEXT NOT NULL DEFAULT '',
  renewals INTEGER NOT NULL DEFAULT 0 CHECK (renewals >= 0),
  due_soon_sent_at TEXT,
  overdue_sent_at TEXT,
  personal_data_purged_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((returned_at IS NULL) = (condition IS NULL))
) STRICT;
CREATE UNIQUE INDEX loans_one_active_per_device ON loans (device_id) WHERE returned_at IS NULL;
CREATE INDEX loans_borrower ON loans (borrower_id, returned_at);
CREATE INDEX loans_due ON loans (branch_id, due_date) WHERE returned_at IS NULL;

-- A borrower reserves a device type for a date. A returned-and-wiped device of that type is held for the
-- oldest waiting reservation (status held, device_id set) and offered to no one else.
CREATE TABLE device_reservations (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  borrower_id INTEGER NOT NULL REFERENCES borrowers (id),
  device_type TEXT NOT NULL CHECK (device_type IN ('laptop', 'tablet', 'phone', 'mifi', 'other')),
  wanted_from TEXT NOT NULL CHECK (wanted_from GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'held', 'collected', 'cancelled')),
  device_id INTEGER REFERENCES devices (id),
  held_at TEXT,
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((status IN ('held', 'collected')) = (device_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX device_reservations_one_hold ON device_reservations (device_id) WHERE status = 'held';
CREATE INDEX device_reservations_waiting ON device_reservations (branch_id, device_type, status, wanted_from);

-- The device's history: who did what, when. Append-only; never holds a borrower's personal data (the
-- loan id points to it), so the history outlives the purge intact.
CREATE TABLE device_events (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id),
  loan_id INTEGER REFERENCES loans (id),
  kind TEXT NOT NULL CHECK (kind IN ('added', 'edited', 'imported', 'lent', 'returned', 'wiped', 'renewed', 'status_changed', 'held', 'collected')),
  at TEXT NOT NULL,
  actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  actor_label TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;
CREATE INDEX device_events_device ON device_events (device_id, id);

-- Only a deleted user's id may be blanked (ON DELETE SET NULL); nothing else changes and nothing is removed.
CREATE TRIGGER device_events_append_only_update
BEFORE UPDATE OF device_id, loan_id, kind, at, actor_label, details ON device_events
BEGIN
  SELECT RAISE(ABORT, 'device_events_append_only');
END;
CREATE TRIGGER device_events_append_only_delete
BEFORE DELETE ON device_events
BEGIN
  SELECT RAISE(ABORT, 'device_events_append_only');
END;

-- Lending: the device must be in the loan's branch and available, or held by a reservation of this borrower.
CREATE TRIGGER loans_device_must_be_available
BEFORE INSERT ON loans
BEGIN
  SELECT RAISE(ABORT, 'device_not_available')
  WHERE NOT EXISTS (
    SELECT 1 FROM devices d
    WHERE d.id = NEW.device_id AND d.branch_id = NEW.branch_id
      AND (d.status = 'available'
           OR (d.status = 'reserved' AND EXISTS (
                SELECT 1 FROM device_reservations r
                WHERE r.device_id = d.id AND r.status = 'held' AND r.borrower_id = NEW.borrower_id)))
  );
END;

-- One device per borrower unless this loan carries an allowance.
CREATE TRIGGER loans_one_per_borrower
BEFORE INSERT ON loans
WHEN NEW.extra_allowed_by IS NULL
BEGIN
  SELECT RAISE(ABORT, 'borrower_has_loan')
  WHERE EXISTS (SELECT 1 FROM loans WHERE borrower_id = NEW.borrower_id AND returned_at IS NULL);
END;

CREATE TRIGGER loans_mark_device_on_loan
AFTER INSERT ON loans
BEGIN
  UPDATE devices SET status = 'on_loan', updated_at = NEW.lent_at WHERE id = NEW.device_id;
END;

-- A loan is returned once; the device then waits for its wipe (or is lost).
CREATE TRIGGER loans_return_once
BEFORE UPDATE OF returned_at ON loans
WHEN OLD.returned_at IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'loan_already_returned');
END;

CREATE TRIGGER loans_mark_device_returned
AFTER UPDATE OF returned_at ON loans
WHEN OLD.returned_at IS NULL AND NEW.returned_at IS NOT NULL
BEGIN
  UPDATE devices SET status = CASE NEW.condition WHEN 'lost' THEN 'lost' ELSE 'needs_wipe' END, updated_at = NEW.returned_at
  WHERE id = NEW.device_id;
END;

-- The device's status follows its loans: on_loan exactly while an active loan exists.
CREATE TRIGGER devices_status_follows_loans
BEFORE UPDATE OF status ON devices
WHEN (NEW.status = 'on_loan') <> EXISTS (SELECT 1 FROM loans WHERE device_id = NEW.id AND returned_at IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'device_on_loan');
END;

-- The previous borrower's data must never reach the next: leaving needs_wipe for anything but in_repair,
-- lost or retired requires a `wiped` event after the last return.
CREATE TRIGGER devices_wipe_before_reuse
BEFORE UPDATE OF status ON devices
WHEN OLD.status = 'needs_wipe' AND NEW.status NOT IN ('needs_wipe', 'in_repair', 'lost', 'retired')
  AND NOT EXISTS (
    SELECT 1 FROM device_events w
    WHERE w.device_id = NEW.id AND w.kind = 'wiped'
      AND w.id > coalesce((SELECT max(r.id) FROM device_events r WHERE r.device_id = NEW.id AND r.kind = 'returned'), 0)
  )
BEGIN
  SELECT RAISE(ABORT, 'device_needs_wipe');
END;

-- A device in repair after a return still carries the last borrower's data: it goes back through needs_wipe.
CREATE TRIGGER devices_repair_keeps_wipe
BEFORE UPDATE OF status ON devices
WHEN OLD.status = 'in_repair' AND NEW.status IN ('available', 'reserved')
  AND EXISTS (SELECT 1 FROM device_events r WHERE r.device_id = NEW.id AND r.kind = 'returned'
              AND r.id > coalesce((SELECT max(w.id) FROM device_events w WHERE w.device_id = NEW.id AND w.kind = 'wiped'), 0))
BEGIN
  SELECT RAISE(ABORT, 'device_needs_wipe');
END;
