-- Live chat escalation to the Digihulplijn (SPEC 4.6). A volunteer escalates one intake question; an expert
-- accepts it and they chat while the citizen sits beside the volunteer. The rules that keep the chat honest
-- live here, so no code path (a route, a socket event, a second process) can break them:
--   * exactly one expert wins an escalation: accepting is `UPDATE … WHERE status = 'queued'`;
--   * every message has a server-assigned sequence number, gap-free per escalation (UNIQUE, assigned from
--     escalations.last_seq inside the insert's transaction), so a client resumes after "the last seq I saw";
--   * a client's resend of one message (same sender, same client id) is stored once (UNIQUE);
--   * no personal data in the description (checked in code like the intake note) and none in the queue.
-- Transcripts and callback requests are personal data: the retention purge (SPEC 4.9) blanks message
-- bodies and the callback phone number and sets personal_data_purged_at; the counts stay.

CREATE TABLE escalations (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  question_id INTEGER NOT NULL REFERENCES questions (id),
  -- Copied from the question at escalation time, so the expert queue reads one table.
  type_id INTEGER NOT NULL REFERENCES taxonomy (id),
  organisation_id INTEGER NOT NULL REFERENCES taxonomy (id),
  topic_id INTEGER REFERENCES taxonomy (id),
  description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 300),
  -- queued: waiting for an expert; active: an expert accepted; closed: ended with an outcome;
  -- cancelled: the volunteer withdrew it before anyone accepted (or turned it into a callback request).
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'active', 'closed', 'cancelled')),
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  expert_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  accepted_at TEXT,
  closed_at TEXT,
  closed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  outcome TEXT CHECK (outcome IN ('solved', 'referred', 'follow_up')),
  -- The last sequence number given to a message of this escalation (0: none yet).
  last_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  personal_data_purged_at TEXT,
  CHECK (status <> 'queued' OR (expert_id IS NULL AND accepted_at IS NULL)),
  CHECK (status <> 'active' OR accepted_at IS NOT NULL),
  CHECK ((status = 'closed') = (outcome IS NOT NULL)),
  CHECK ((status IN ('closed', 'cancelled')) = (closed_at IS NOT NULL))
) STRICT;
-- The expert queue (oldest first), a branch's open escalations on the desk, an expert's active chats.
CREATE INDEX escalations_status_created ON escalations (status, created_at);
CREATE INDEX escalations_branch_status ON escalations (branch_id, status, created_at);
CREATE INDEX escalations_expert_status ON escalations (expert_id, status) WHERE expert_id IS NOT NULL;
CREATE INDEX escalations_question ON escalations (question_id);
-- One open escalation per question: a double submit or a second volunteer cannot queue it twice.
CREATE UNIQUE INDEX escalations_open_per_question ON escalations (question_id) WHERE status IN ('queued', 'active');

-- Chat messages and the expert's internal notes (kind 'note': never shown to the volunteer).
-- kind 'system': accepted, transferred, closed — written by the server, no sender.
CREATE TABLE chat_messages (
  id INTEGER PRIMARY KEY,
  escalation_id INTEGER NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq > 0),
  kind TEXT NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'note', 'system')),
  sender_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  sender_role TEXT NOT NULL CHECK (sender_role IN ('volunteer', 'expert', 'system')),
  -- The sender's own idempotency key (a UUID from the browser or the no-JS form); NULL for system lines.
  client_id TEXT CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 64),
  body TEXT NOT NULL CHECK (length(body) <= 2000),
  sent_at TEXT NOT NULL,
  UNIQUE (escalation_id, seq)
) STRICT;
CREATE UNIQUE INDEX chat_messages_client_unique ON chat_messages (escalation_id, sender_id, client_id) WHERE client_id IS NOT NULL;

-- How far each participant has read (read markers and unread counts).
CREATE TABLE chat_reads (
  escalation_id INTEGER NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  last_read_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_read_seq >= 0),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (escalation_id, user_id)
) STRICT, WITHOUT ROWID;

-- Experts set themselves available or away; inactivity turns available into away (checked against
-- last_active_at when read, so no timer has to run for it to be true).
CREATE TABLE expert_presence (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('available', 'away', 'offline')),
  last_active_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- "Call me back": when no expert is available or the Digihulplijn is closed. Personal data (a phone number):
-- consent is recorded, and the purge blanks phone and preferred moment after the retention period.
CREATE TABLE callback_requests (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  question_id INTEGER REFERENCES questions (id),
  escalation_id INTEGER REFERENCES escalations (id),
  type_id INTEGER REFERENCES taxonomy (id),
  organisation_id INTEGER REFERENCES taxonomy (id),
  description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 300),
  phone TEXT NOT NULL CHECK (length(phone) <= 20),
  preferred_moment TEXT NOT NULL DEFAULT '' CHECK (length(preferred_moment) <= 120),
  consent_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  done_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  done_at TEXT,
  personal_data_purged_at TEXT,
  CHECK ((status = 'done') = (done_at IS NOT NULL))
) STRICT;
CREATE INDEX callback_requests_status ON callback_requests (status, created_at);
CREATE INDEX callback_requests_branch ON callback_requests (branch_id, created_at);
