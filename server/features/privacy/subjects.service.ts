import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay, branchIdsFor } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import { normaliseContact } from './contact';
import type { SubjectData, SubjectsRepository } from './subjects.repository';

export type { SubjectData };

export interface EraseResult {
  bookings: number;
  borrowers: number;
  callbacks: number;
  waitlist: number;
  /** Borrowers with a device still out: kept until it comes back. */
  keptBorrowers: number;
}

/** What the audit log keeps of a request: which records, never the contact or any personal value. */
function recordIds(data: SubjectData): Record<string, number[]> {
  return { bookings: data.bookings.map((b) => b.id), borrowers: data.borrowers.map((b) => b.id), callbacks: data.callbacks.map((c) => c.id), waitlist: data.waitlist.map((w) => w.id) };
}

/**
 * Data-subject requests (SPEC 4.9): everything held about one person (by e-mail or phone) in the branches of
 * the person asking, exported or erased. Looking is audited like every other look at personal data.
 */
export class SubjectsService {
  constructor(
    private readonly repo: SubjectsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private scope(actor: Actor): number[] | null {
    assertActorMay(actor, 'subjects.manage');
    return actor.user ? branchIdsFor(actor.user, 'subjects.manage') : null;
  }

  find(actor: Actor, contact: string): SubjectData {
    const data = this.repo.find(normaliseContact(contact), this.scope(actor));
    this.audit.record(actor, { action: 'personal_data.viewed', subjectType: 'data_subject', details: recordIds(data) });
    return data;
  }

  /** The export: the same data as a document the person can keep (JSON or a printable page). */
  export(actor: Actor, contact: string): SubjectData {
    const data = this.repo.find(normaliseContact(contact), this.scope(actor));
    this.audit.record(actor, { action: 'subject.exported', subjectType: 'data_subject', details: recordIds(data) });
    return data;
  }

  erase(actor: Actor, contact: string): EraseResult {
    const scope = this.scope(actor);
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      const data = this.repo.find(normaliseContact(contact), scope);
      const result = this.repo.erase(data, now);
      // The counts, and which records they were (under their own key, so the counts do not overwrite the ids).
      this.audit.record(actor, { action: 'subject.erased', subjectType: 'data_subject', details: { ...result, records: recordIds(data) } });
      return result;
    });
  }
}
