-- Intake (SPEC 4.2): anonymous visits with one or more help questions, the taxonomy they are counted by,
-- referral partners, the desk tally tiles, and the anonymous visitor survey (SPEC 4.8).
-- The taxonomy and the national partners are seeded here, so every new database can register at once.

-- Categories are data, not code. `key` is stable for exports (the national IDO registration, CSV): renaming
-- changes only the labels. Retired entries vanish from forms but stay on old records and in statistics.
CREATE TABLE taxonomy (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL
    CHECK (kind IN ('question_type', 'organisation', 'topic', 'help', 'duration', 'outcome', 'life_event', 'channel')),
  -- Only topics have a parent: the organisation they belong to.
  parent_id INTEGER REFERENCES taxonomy (id),
  key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 60 AND key NOT GLOB '*[^a-z0-9_]*'),
  label_nl TEXT NOT NULL CHECK (length(label_nl) BETWEEN 1 AND 120),
  label_en TEXT NOT NULL CHECK (length(label_en) BETWEEN 1 AND 120),
  sort_order INTEGER NOT NULL DEFAULT 0,
  retired_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK ((kind = 'topic') = (parent_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX taxonomy_key_unique ON taxonomy (kind, ifnull(parent_id, 0), key);
CREATE INDEX taxonomy_kind ON taxonomy (kind, parent_id, sort_order);

-- A topic's parent must be an organisation; CHECK cannot look at another row, so a trigger does.
CREATE TRIGGER taxonomy_topic_parent_insert BEFORE INSERT ON taxonomy
WHEN NEW.parent_id IS NOT NULL AND (SELECT kind FROM taxonomy WHERE id = NEW.parent_id) IS NOT 'organisation'
BEGIN SELECT RAISE(ABORT, 'topic parent must be an organisation'); END;
CREATE TRIGGER taxonomy_topic_parent_update BEFORE UPDATE OF parent_id, kind ON taxonomy
WHEN NEW.parent_id IS NOT NULL AND (SELECT kind FROM taxonomy WHERE id = NEW.parent_id) IS NOT 'organisation'
BEGIN SELECT RAISE(ABORT, 'topic parent must be an organisation'); END;

-- Referral partners: global (branch_id NULL) or kept by one branch. `key` is stable for exports.
CREATE TABLE partners (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 80 AND key NOT GLOB '*[^a-z0-9_]*'),
  branch_id INTEGER REFERENCES branches (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind TEXT NOT NULL CHECK (kind IN ('helpline', 'government', 'municipality', 'legal', 'financial', 'health', 'social', 'other')),
  phone TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  sort_order INTEGER NOT NULL DEFAULT 0,
  retired_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX partners_branch ON partners (branch_id, sort_order);

-- One anonymous visit: no name, no contact, nothing about the person.
-- appointment_id and walkin_id point at tables that later migrations create (appointments, walk-ins), so
-- they carry no FOREIGN KEY here (SQLite cannot add one later without rebuilding the table). The arrival
-- feature checks that the id belongs to the same branch before linking; nothing personal is copied.
CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  channel_id INTEGER NOT NULL REFERENCES taxonomy (id),
  staff_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  started_at TEXT NOT NULL,
  local_date TEXT NOT NULL,
  appointment_id INTEGER CHECK (appointment_id > 0),
  walkin_id INTEGER CHECK (walkin_id > 0),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX visits_branch_date ON visits (branch_id, local_date);
CREATE INDEX visits_appointment ON visits (appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX visits_walkin ON visits (walkin_id) WHERE walkin_id IS NOT NULL;

-- One record per question, as the national IDO registration counts them. branch_id, channel_id,
-- local_date and local_month are copied from the visit so monthly statistics read one table through one
-- index, even at a million rows.
CREATE TABLE questions (
  id INTEGER PRIMARY KEY,
  visit_id INTEGER NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
  branch_id INTEGER NOT NULL REFERENCES branches (id),
  channel_id INTEGER NOT NULL REFERENCES taxonomy (id),
  local_date TEXT NOT NULL,
  local_month TEXT NOT NULL CHECK (local_month = substr(local_date, 1, 7)),
  type_id INTEGER NOT NULL REFERENCES taxonomy (id),
  organisation_id INTEGER NOT NULL REFERENCES taxonomy (id),
  topic_id INTEGER REFERENCES taxonomy (id),
  life_event_id INTEGER REFERENCES taxonomy (id),
  help_id INTEGER NOT NULL REFERENCES taxonomy (id),
  partner_id INTEGER REFERENCES partners (id),
  duration_id INTEGER NOT NULL REFERENCES taxonomy (id),
  outcome_id INTEGER NOT NULL REFERENCES taxonomy (id),
  -- Short, optional, and checked for BSNs, e-mail addresses and phone numbers before it gets here.
  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  source TEXT NOT NULL CHECK (source IN ('tally', 'form')),
  created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX questions_branch_month ON questions (branch_id, local_month);
CREATE INDEX questions_branch_date ON questions (branch_id, local_date, id);
CREATE INDEX questions_visit ON questions (visit_id);
CREATE INDEX questions_month ON questions (local_month);

-- The one-tap tiles on the desk. branch_id NULL: the defaults for every branch without its own set.
CREATE TABLE tally_tiles (
  id INTEGER PRIMARY KEY,
  branch_id INTEGER REFERENCES branches (id) ON DELETE CASCADE,
  label_nl TEXT NOT NULL CHECK (length(label_nl) BETWEEN 1 AND 60),
  label_en TEXT NOT NULL CHECK (length(label_en) BETWEEN 1 AND 60),
  type_id INTEGER NOT NULL REFERENCES taxonomy (id),
  organisation_id INTEGER NOT NULL REFERENCES taxonomy (id),
  topic_id INTEGER REFERENCES taxonomy (id),
  help_id INTEGER NOT NULL REFERENCES taxonomy (id),
  duration_id INTEGER NOT NULL REFERENCES taxonomy (id),
  outcome_id INTEGER NOT NULL REFERENCES taxonomy (id),
  sort_order INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX tally_tiles_branch ON tally_tiles (branch_id, sort_order);

-- Anonymous visitor survey: only counts per branch, local day, question and score. No single response
-- and no time finer than the day is ever stored, so an answer cannot be traced back to a visitor.
CREATE TABLE survey_counts (
  branch_id INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
  local_date TEXT NOT NULL,
  question TEXT NOT NULL CHECK (question IN ('satisfaction', 'self_reliance', 'trust')),
  score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
  count INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
  PRIMARY KEY (branch_id, local_date, question, score)
) STRICT, WITHOUT ROWID;

-- Seed: the taxonomy ------------------------------------------------------------------------------------

INSERT INTO taxonomy (kind, key, label_nl, label_en, sort_order, created_at, updated_at)
SELECT v.column1, v.column2, v.column3, v.column4, v.column5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (VALUES
  ('question_type', 'digital_government', 'Digitale overheid', 'Digital government', 10),
  ('question_type', 'library_service', 'Bibliotheekdienst', 'Library service', 20),
  ('question_type', 'other', 'Overig (apparaat, vaardigheden)', 'Other (device, skills)', 30),

  ('organisation', 'belastingdienst', 'Belastingdienst', 'Tax Administration (Belastingdienst)', 10),
  ('organisation', 'toeslagen', 'Dienst Toeslagen', 'Benefits Agency (Toeslagen)', 20),
  ('organisation', 'digid', 'DigiD', 'DigiD', 30),
  ('organisation', 'uwv', 'UWV', 'UWV (employee insurance)', 40),
  ('organisation', 'svb', 'SVB', 'SVB (social insurance bank)', 50),
  ('organisation', 'duo', 'DUO', 'DUO (education)', 60),
  ('organisation', 'cjib', 'CJIB', 'CJIB (fines)', 70),
  ('organisation', 'cak', 'CAK', 'CAK (care contributions)', 80),
  ('organisation', 'rdw', 'RDW', 'RDW (vehicles, driving licence)', 90),
  ('organisation', 'gemeente', 'Gemeente', 'Municipality', 100),
  ('organisation', 'zorgverzekeraar', 'Zorgverzekeraar', 'Health insurer', 110),
  ('organisation', 'bank', 'Bank', 'Bank', 120),
  ('organisation', 'mijnoverheid', 'MijnOverheid', 'MijnOverheid', 130),
  ('organisation', 'none', 'Geen organisatie (apparaat, vaardigheden)', 'No organisation (device, skills)', 140),
  ('organisation', 'other', 'Andere organisatie', 'Other organisation', 150),

  ('help', 'information', 'Informatie gegeven', 'Information given', 10),
  ('help', 'together', 'Samen gedaan / meegekeken', 'Done together / looked over the shoulder', 20),
  ('help', 'referred', 'Doorverwezen', 'Referred', 30),
  ('help', 'course', 'Cursus of training', 'Course or training', 40),

  ('duration', 'lt5', 'Korter dan 5 minuten', 'Less than 5 minutes', 10),
  ('duration', 'm5_15', '5 tot 15 minuten', '5 to 15 minutes', 20),
  ('duration', 'm15_30', '15 tot 30 minuten', '15 to 30 minutes', 30),
  ('duration', 'm30_60', '30 tot 60 minuten', '30 to 60 minutes', 40),
  ('duration', 'gt60', 'Langer dan 60 minuten', 'More than 60 minutes', 50),

  ('outcome', 'solved', 'Opgelost', 'Solved', 10),
  ('outcome', 'partly', 'Deels opgelost', 'Partly solved', 20),
  ('outcome', 'referred', 'Doorverwezen', 'Referred', 30),
  ('outcome', 'escalated', 'Doorgezet naar de Digihulplijn', 'Escalated to the Digihulplijn', 40),
  ('outcome', 'follow_up', 'Vervolgafspraak gemaakt', 'Follow-up appointment made', 50),

  ('life_event', 'moving', 'Verhuizen', 'Moving house', 10),
  ('life_event', 'partner_death', 'Overlijden van een partner', 'Death of a partner', 20),
  ('life_event', 'job_loss', 'Baan kwijt', 'Job loss', 30),
  ('life_event', 'divorce', 'Scheiden', 'Divorce', 40),
  ('life_event', 'retirement', 'Met pensioen', 'Retirement', 50),
  ('life_event', 'new_in_nl', 'Nieuw in Nederland', 'New in the Netherlands', 60),
  ('life_event', 'debts', 'Schulden', 'Debts', 70),

  ('channel', 'desk', 'Balie (binnenloop)', 'Desk (walk-in)', 10),
  ('channel', 'appointment', 'Afspraak', 'Appointment', 20),
  ('channel', 'phone', 'Telefoon', 'Phone', 30),
  ('channel', 'online', 'Online / chat', 'Online / chat', 40)
) AS v;

INSERT INTO taxonomy (kind, parent_id, key, label_nl, label_en, sort_order, created_at, updated_at)
SELECT 'topic', o.id, v.column2, v.column3, v.column4, v.column5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (VALUES
  ('digid', 'aanvragen', 'DigiD aanvragen', 'Apply for DigiD', 10),
  ('digid', 'activeren', 'DigiD activeren', 'Activate DigiD', 20),
  ('digid', 'app', 'DigiD app installeren', 'Install the DigiD app', 30),
  ('digid', 'herstellen', 'Wachtwoord of gebruikersnaam kwijt', 'Lost password or username', 40),
  ('digid', 'machtigen', 'Machtigen (iemand anders laten helpen)', 'Authorising someone else', 50),
  ('belastingdienst', 'aangifte', 'Belastingaangifte', 'Tax return', 10),
  ('belastingdienst', 'brief', 'Brief begrijpen', 'Understanding a letter', 20),
  ('belastingdienst', 'betalingsregeling', 'Betalingsregeling', 'Payment arrangement', 30),
  ('belastingdienst', 'voorlopige_aanslag', 'Voorlopige aanslag', 'Provisional assessment', 40),
  ('toeslagen', 'aanvragen', 'Toeslag aanvragen', 'Apply for an allowance', 10),
  ('toeslagen', 'wijzigen', 'Wijziging doorgeven', 'Report a change', 20),
  ('toeslagen', 'terugbetalen', 'Terugbetalen of betalingsregeling', 'Repayment or payment plan', 30),
  ('uwv', 'ww', 'WW-uitkering', 'Unemployment benefit (WW)', 10),
  ('uwv', 'werkmap', 'Werkmap / inschrijven als werkzoekende', 'Job seeker registration', 20),
  ('uwv', 'ziekte', 'Ziek of arbeidsongeschikt', 'Sickness or disability', 30),
  ('svb', 'aow', 'AOW', 'State pension (AOW)', 10),
  ('svb', 'kinderbijslag', 'Kinderbijslag', 'Child benefit', 20),
  ('duo', 'studiefinanciering', 'Studiefinanciering', 'Student finance', 10),
  ('duo', 'terugbetalen', 'Studieschuld terugbetalen', 'Repaying student debt', 20),
  ('cjib', 'boete', 'Boete betalen of regeling', 'Paying a fine or arrangement', 10),
  ('cak', 'eigen_bijdrage', 'Eigen bijdrage', 'Personal contribution', 10),
  ('rdw', 'rijbewijs', 'Rijbewijs', 'Driving licence', 10),
  ('rdw', 'voertuig', 'Voertuig en kenteken', 'Vehicle and number plate', 20),
  ('gemeente', 'verhuizing', 'Verhuizing doorgeven', 'Report a move', 10),
  ('gemeente', 'paspoort_id', 'Paspoort of ID-kaart', 'Passport or ID card', 20),
  ('gemeente', 'afspraak', 'Afspraak maken', 'Making an appointment', 30),
  ('gemeente', 'bijstand', 'Bijstand en minimaregelingen', 'Social assistance and low-income schemes', 40),
  ('gemeente', 'afval_parkeren', 'Afval, parkeren, belastingen', 'Waste, parking, local taxes', 50),
  ('zorgverzekeraar', 'overstappen', 'Overstappen of polis', 'Switching or policy', 10),
  ('zorgverzekeraar', 'declareren', 'Nota declareren', 'Submitting a bill', 20),
  ('bank', 'internetbankieren', 'Internetbankieren of bankapp', 'Online banking or banking app', 10),
  ('bank', 'phishing', 'Verdachte berichten (phishing)', 'Suspicious messages (phishing)', 20),
  ('mijnoverheid', 'berichtenbox', 'Berichtenbox', 'Message box', 10),
  ('none', 'telefoon_tablet', 'Telefoon of tablet', 'Phone or tablet', 10),
  ('none', 'computer', 'Computer of laptop', 'Computer or laptop', 20),
  ('none', 'email', 'E-mail', 'E-mail', 30),
  ('none', 'veilig_online', 'Veilig online', 'Staying safe online', 40)
) AS v
JOIN taxonomy o ON o.kind = 'organisation' AND o.key = v.column1;

-- Seed: national referral partners ---------------------------------------------------------------------

INSERT INTO partners (key, name, kind, phone, website, notes, sort_order, created_at, updated_at)
SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7,
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (VALUES
  ('digihulplijn', 'Digihulplijn', 'helpline', '0800-1508', 'https://www.digihulplijn.nl', 'Gratis; hulp bij digitale vragen', 10),
  ('belastingdienst', 'Belastingdienst (BelastingTelefoon)', 'government', '0800-0543', 'https://www.belastingdienst.nl', '', 20),
  ('toeslagen', 'Dienst Toeslagen', 'government', '0800-0543', 'https://www.toeslagen.nl', '', 30),
  ('digid', 'DigiD Helpdesk', 'government', '088-1236555', 'https://www.digid.nl', '', 40),
  ('uwv', 'UWV', 'government', '088-8982001', 'https://www.uwv.nl', '', 50),
  ('svb', 'SVB', 'government', '', 'https://www.svb.nl', 'Telefoonnummer per regeling, zie website', 60),
  ('duo', 'DUO', 'government', '050-5997755', 'https://duo.nl', '', 70),
  ('cjib', 'CJIB', 'government', '058-2050808', 'https://www.cjib.nl', '', 80),
  ('cak', 'CAK', 'government', '0800-0087', 'https://www.hetcak.nl', '', 90),
  ('rdw', 'RDW', 'government', '0900-0739', 'https://www.rdw.nl', '', 100),
  ('gemeente', 'Gemeente (eigen gemeente)', 'municipality', '14 + netnummer', '', 'Het algemene nummer van de eigen gemeente', 110),
  ('zorgverzekeraar', 'Zorgverzekeraar (eigen verzekeraar)', 'health', '', '', 'Nummer staat op de zorgpas', 120),
  ('bank', 'Bank (eigen bank)', 'financial', '', '', 'Nummer staat op de bankpas of in de app', 130),
  ('juridisch_loket', 'Het Juridisch Loket', 'legal', '0900-8020', 'https://www.juridischloket.nl', '', 140),
  ('schuldhulpverlening', 'Schuldhulpverlening (gemeente)', 'financial', '', '', 'Via de eigen gemeente; gratis', 150),
  ('geldfit', 'Geldfit', 'financial', '0800-8115', 'https://www.geldfit.nl', 'Anoniem advies over geldzorgen', 160),
  ('sociaal_raadslieden', 'Sociaal raadslieden', 'social', '', '', 'Gratis hulp bij brieven en formulieren', 170),
  ('mijnoverheid', 'MijnOverheid (Logius)', 'government', '0800-2100', 'https://mijn.overheid.nl', '', 180)
) AS v;

-- Seed: default tally tiles (used by every branch until a coordinator sets the branch's own) -------------

INSERT INTO tally_tiles (branch_id, label_nl, label_en, type_id, organisation_id, topic_id, help_id, duration_id, outcome_id, sort_order, created_at)
SELECT NULL, v.column1, v.column2,
  (SELECT id FROM taxonomy WHERE kind = 'question_type' AND key = v.column3),
  o.id,
  (SELECT id FROM taxonomy WHERE kind = 'topic' AND parent_id = o.id AND key = v.column5),
  (SELECT id FROM taxonomy WHERE kind = 'help' AND key = 'together'),
  (SELECT id FROM taxonomy WHERE kind = 'duration' AND key = v.column6),
  (SELECT id FROM taxonomy WHERE kind = 'outcome' AND key = 'solved'),
  v.column7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (VALUES
  ('DigiD activeren', 'Activate DigiD', 'digital_government', 'digid', 'activeren', 'm5_15', 10),
  ('DigiD app', 'DigiD app', 'digital_government', 'digid', 'app', 'm15_30', 20),
  ('DigiD aanvragen', 'Apply for DigiD', 'digital_government', 'digid', 'aanvragen', 'm5_15', 30),
  ('Toeslagen', 'Allowances', 'digital_government', 'toeslagen', 'wijzigen', 'm15_30', 40),
  ('Belastingaangifte', 'Tax return', 'digital_government', 'belastingdienst', 'aangifte', 'm30_60', 50),
  ('Telefoon/tablet', 'Phone/tablet', 'other', 'none', 'telefoon_tablet', 'm15_30', 60)
) AS v
JOIN taxonomy o ON o.kind = 'organisation' AND o.key = v.column4;
