-- Retention purge (SPEC 4.9): the periods live in `settings` (keys `retention.<kind>`); the purge blanks
-- personal data that has passed its period and sets personal_data_purged_at, keeping every row that the
-- statistics count. These partial indexes hold only rows not yet purged, so each hourly pass reads "not
-- purged and older than the cutoff" without scanning history that was purged long ago.

CREATE INDEX appointments_not_purged ON appointments (ends_at) WHERE personal_data_purged_at IS NULL;
CREATE INDEX borrowers_not_purged ON borrowers (updated_at) WHERE personal_data_purged_at IS NULL;
CREATE INDEX escalations_not_purged ON escalations (closed_at) WHERE personal_data_purged_at IS NULL AND closed_at IS NOT NULL;
CREATE INDEX callback_requests_not_purged ON callback_requests (created_at) WHERE personal_data_purged_at IS NULL;
CREATE INDEX sign_in_failures_window ON sign_in_failures (window_started_at);

-- Sent mail keeps a copy of the booking's name and contact (address, body, calendar file): blanked with
-- the booking period once delivered or given up; the row stays for the outbox counts.
ALTER TABLE outbox ADD COLUMN personal_data_purged_at TEXT;
CREATE INDEX outbox_not_purged ON outbox (created_at) WHERE personal_data_purged_at IS NULL AND status IN ('sent', 'failed');

-- The audit page filters by subject ("everything about this booking / borrower"); data-subject requests ask the same.
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, at);
