import type { Clock } from '../../lib/clock';
import { localDate } from '../../lib/time';
import type { SurveyRepository } from './survey.repository';
import { SURVEY_QUESTIONS, type ScoreCount, type SurveyQuestion } from './survey.model';

export { SURVEY_QUESTIONS };
export type { ScoreCount, SurveyQuestion };

export interface SurveySummary {
  question: SurveyQuestion;
  answers: number;
  /** Mean score 1–5, or null without answers. */
  average: number | null;
  byScore: number[]; // index 0 = score 1
}

export class SurveyService {
  constructor(
    private readonly repo: SurveyRepository,
    private readonly clock: Clock,
  ) {}

  /** Records one visitor's answers (any question may be skipped) under today's date at the branch. */
  record(branchId: number, answers: Partial<Record<SurveyQuestion, number>>): void {
    const list = SURVEY_QUESTIONS.filter((q) => answers[q] !== undefined).map((q) => ({ question: q, score: answers[q]! }));
    if (list.length === 0) return;
    this.repo.addAnswers(branchId, localDate(this.clock.now()), list);
  }

  /** Per question: number of answers, average and the distribution, for a month over branches. */
  summary(branchIds: number[], month: string): SurveySummary[] {
    const rows = this.repo.countsForMonth(branchIds, month);
    return SURVEY_QUESTIONS.map((question) => {
      const byScore = [1, 2, 3, 4, 5].map((s) => rows.find((r) => r.question === question && r.score === s)?.count ?? 0);
      const answers = byScore.reduce((a, b) => a + b, 0);
      const total = byScore.reduce((a, c, i) => a + c * (i + 1), 0);
      return { question, answers, average: answers ? Math.round((total / answers) * 100) / 100 : null, byScore };
    });
  }
}
