-- Statistics (SPEC 4.7; budget in SPEC 6: a monthly report over 1,000,000 questions within a second).
--
-- Measured first (scripts/bench/stats.ts, 1 M questions, 36 months, 20 branches): grouping one month's
-- questions (about 28,000 rows) by all eight counted columns took 180-210 ms per period even through a
-- covering index, mostly in the temporary B-tree for the GROUP BY; the page reads two periods, so a busy
-- two-core machine went over the second. The report only ever shows each column's own totals, so this
-- table keeps exactly those: one count per month, branch, counted column ("dimension") and value. A month
-- of all branches is then about 2,000 rows of this table, whatever the number of questions.
--
-- Triggers keep it, so it changes in the same transaction as every registration, edit and delete (also the
-- cascade from a deleted visit), and no feature code has to remember it. value_id is the taxonomy or partner
-- id; 0 means none (a question without a topic, or not referred). Rows that fall to 0 stay (harmless).
CREATE TABLE question_counts (
  local_month TEXT NOT NULL CHECK (local_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  branch_id INTEGER NOT NULL,
  dimension TEXT NOT NULL CHECK (dimension IN ('type', 'organisation', 'topic', 'help', 'partner', 'duration', 'outcome', 'channel')),
  value_id INTEGER NOT NULL CHECK (value_id >= 0),
  count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (local_month, branch_id, dimension, value_id)
) STRICT, WITHOUT ROWID;

INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count)
SELECT local_month, branch_id, 'type', type_id, count(*) FROM questions GROUP BY local_month, branch_id, type_id
UNION ALL SELECT local_month, branch_id, 'organisation', organisation_id, count(*) FROM questions GROUP BY local_month, branch_id, organisation_id
UNION ALL SELECT local_month, branch_id, 'topic', ifnull(topic_id, 0), count(*) FROM questions GROUP BY local_month, branch_id, ifnull(topic_id, 0)
UNION ALL SELECT local_month, branch_id, 'help', help_id, count(*) FROM questions GROUP BY local_month, branch_id, help_id
UNION ALL SELECT local_month, branch_id, 'partner', ifnull(partner_id, 0), count(*) FROM questions GROUP BY local_month, branch_id, ifnull(partner_id, 0)
UNION ALL SELECT local_month, branch_id, 'duration', duration_id, count(*) FROM questions GROUP BY local_month, branch_id, duration_id
UNION ALL SELECT local_month, branch_id, 'outcome', outcome_id, count(*) FROM questions GROUP BY local_month, branch_id, outcome_id
UNION ALL SELECT local_month, branch_id, 'channel', channel_id, count(*) FROM questions GROUP BY local_month, branch_id, channel_id;

CREATE TRIGGER question_counts_insert AFTER INSERT ON questions
BEGIN
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'type', NEW.type_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'organisation', NEW.organisation_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'topic', ifnull(NEW.topic_id, 0), 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'help', NEW.help_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'partner', ifnull(NEW.partner_id, 0), 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'duration', NEW.duration_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'outcome', NEW.outcome_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'channel', NEW.channel_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER question_counts_delete AFTER DELETE ON questions
BEGIN
  UPDATE question_counts SET count = count - 1
  WHERE local_month = OLD.local_month AND branch_id = OLD.branch_id
    AND ((dimension = 'type' AND value_id = OLD.type_id)
      OR (dimension = 'organisation' AND value_id = OLD.organisation_id)
      OR (dimension = 'topic' AND value_id = ifnull(OLD.topic_id, 0))
      OR (dimension = 'help' AND value_id = OLD.help_id)
      OR (dimension = 'partner' AND value_id = ifnull(OLD.partner_id, 0))
      OR (dimension = 'duration' AND value_id = OLD.duration_id)
      OR (dimension = 'outcome' AND value_id = OLD.outcome_id)
      OR (dimension = 'channel' AND value_id = OLD.channel_id));
END;

CREATE TRIGGER question_counts_update AFTER UPDATE OF branch_id, local_month, type_id, organisation_id, topic_id, help_id, partner_id, duration_id, outcome_id, channel_id ON questions
BEGIN
  UPDATE question_counts SET count = count - 1
  WHERE local_month = OLD.local_month AND branch_id = OLD.branch_id
    AND ((dimension = 'type' AND value_id = OLD.type_id)
      OR (dimension = 'organisation' AND value_id = OLD.organisation_id)
      OR (dimension = 'topic' AND value_id = ifnull(OLD.topic_id, 0))
      OR (dimension = 'help' AND value_id = OLD.help_id)
      OR (dimension = 'partner' AND value_id = ifnull(OLD.partner_id, 0))
      OR (dimension = 'duration' AND value_id = OLD.duration_id)
      OR (dimension = 'outcome' AND value_id = OLD.outcome_id)
      OR (dimension = 'channel' AND value_id = OLD.channel_id));
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'type', NEW.type_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'organisation', NEW.organisation_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'topic', ifnull(NEW.topic_id, 0), 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'help', NEW.help_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'partner', ifnull(NEW.partner_id, 0), 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'duration', NEW.duration_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'outcome', NEW.outcome_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
  INSERT INTO question_counts (local_month, branch_id, dimension, value_id, count) VALUES (NEW.local_month, NEW.branch_id, 'channel', NEW.channel_id, 1)
    ON CONFLICT (local_month, branch_id, dimension, value_id) DO UPDATE SET count = count + 1;
END;
