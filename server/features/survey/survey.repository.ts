import type { Db } from '../../db/open';
import type { ScoreCount, SurveyQuestion } from './survey.model';

export class SurveyRepository {
  private readonly addStmt;
  private readonly monthStmt;

  constructor(private readonly db: Db) {
    this.addStmt = db.prepare(
      `INSERT INTO survey_counts (branch_id, local_date, question, score, count) VALUES (@branchId, @localDate, @question, @score, 1)
       ON CONFLICT (branch_id, local_date, question, score) DO UPDATE SET count = count + 1`,
    );
    this.monthStmt = db.prepare(
      `SELECT question, score, sum(count) AS count FROM survey_counts
       WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND local_date BETWEEN @month || '-01' AND @month || '-31'
       GROUP BY question, score ORDER BY question, score`,
    );
  }

  /** Adds one answer to the day's tally; nothing else about the answer is kept. */
  addAnswers(branchId: number, localDate: string, answers: { question: SurveyQuestion; score: number }[]): void {
    this.db.transaction(() => {
      for (const a of answers) this.addStmt.run({ branchId, localDate, question: a.question, score: a.score });
    })();
  }

  countsForMonth(branchIds: number[], month: string): ScoreCount[] {
    return this.monthStmt.all({ branchIds: JSON.stringify(branchIds), month }) as ScoreCount[];
  }
}
