/** The anonymous visitor survey (SPEC 4.8): three questions, scores 1–5, counted per branch and day. */
export const SURVEY_QUESTIONS = ['satisfaction', 'self_reliance', 'trust'] as const;
export type SurveyQuestion = (typeof SURVEY_QUESTIONS)[number];

export interface ScoreCount {
  question: SurveyQuestion;
  score: number;
  count: number;
}
