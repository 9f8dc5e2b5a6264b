-- The second factor (TOTP, RFC 6238) for coordinators and admins (#14). users.totp_secret (0001) stays
-- unused: a factor has more than a secret (when it was enrolled, the last time step it accepted), and a
-- reset must remove all of it at once, recovery codes included.

CREATE TABLE second_factors (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  -- Base32, as the authenticator app has it; SHA-1, 6 digits, 30 s (what every app understands).
  secret TEXT NOT NULL CHECK (length(secret) BETWEEN 16 AND 128),
  enrolled_at TEXT NOT NULL,
  -- A code is accepted once: a code for this time step or an earlier one is refused (a replay).
  last_used_step INTEGER
) STRICT;

-- Ten single-use codes for a lost phone, stored as SHA-256 of the code (they are random, not chosen).
CREATE TABLE second_factor_recovery_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at TEXT,
  UNIQUE (user_id, code_hash)
) STRICT;

-- One row: whether coordinators must have a second factor (admins always must).
CREATE TABLE second_factor_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  coordinators_required INTEGER NOT NULL DEFAULT 1 CHECK (coordinators_required IN (0, 1)),
  updated_at TEXT
) STRICT;
INSERT INTO second_factor_settings (id, coordinators_required) VALUES (1, 1);
