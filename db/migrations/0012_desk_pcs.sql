-- Shared desk PCs and the PIN quick switch (#14). A desk PC is a browser that a coordinator or admin marked
-- as standing at one branch's desk (a signed cookie carries its id); revoking it ends its quick switch.
CREATE TABLE desk_pcs (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  registered_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  registered_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by INTEGER REFERENCES users (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX desk_pcs_branch ON desk_pcs (branch_id, revoked_at);

-- Which desk PC an action came from, beside who did it. PIN guesses are throttled in sign_in_failures
-- under their own keys ("pin-user:<id>", "pin-pc:<id>"); users.pin_hash (0001) holds the PIN's hash.
ALTER TABLE audit_log ADD COLUMN desk_pc_id INTEGER REFERENCES desk_pcs (id) ON DELETE SET NULL;
