/** Intake: visits, the questions registered in them and the tally tiles, as the rest of the app sees them. */
export interface Visit {
  id: number;
  branchId: number;
  channelId: number;
  staffUserId: number | null;
  startedAt: string;
  localDate: string;
  appointmentId: number | null;
  walkinId: number | null;
}

/** The categorised content of a question: what the form edits and a tally tile presets. */
export interface QuestionFields {
  typeId: number;
  organisationId: number;
  topicId: number | null;
  lifeEventId: number | null;
  helpId: number;
  partnerId: number | null;
  durationId: number;
  outcomeId: number;
  note: string;
}

export type QuestionSource = 'tally' | 'form';

export interface Question extends QuestionFields {
  id: number;
  visitId: number;
  branchId: number;
  channelId: number;
  localDate: string;
  localMonth: string;
  source: QuestionSource;
  createdBy: number | null;
  createdAt: string;
  updatedBy: number | null;
  updatedAt: string;
}

export interface TallyTile {
  id: number;
  branchId: number | null;
  labelNl: string;
  labelEn: string;
  typeId: number;
  organisationId: number;
  topicId: number | null;
  helpId: number;
  durationId: number;
  outcomeId: number;
  sortOrder: number;
}

export interface DimensionCount {
  /** Taxonomy (or partner) id; null: not filled in (e.g. no topic, no referral). */
  id: number | null;
  count: number;
}

export type TileInput = Omit<TallyTile, 'id' | 'branchId' | 'sortOrder'>;
