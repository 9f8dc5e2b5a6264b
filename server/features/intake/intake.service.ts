import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertMay, may, type CurrentUser } from '../../policy/policy';
import { BadRequestError, ConflictError, GoneError, NotFoundError } from '../../http/errors';
import type { FieldError } from '../../http/validation';
import { addDays, isoWeekday, localDate } from '../../lib/time';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import type { CategoriesService } from '../categories/categories.service';
import type { Taxonomy } from '../categories/taxonomy';
import type { PartnersService } from '../partners/partners.service';
import { detectPersonalData } from './personal-data';
import { STAT_DIMENSIONS, type IntakeRepository, type StatDimension } from './intake.repository';
import type { DimensionCount, Question, QuestionFields, TallyTile, TileInput, Visit } from './intake.model';

export { STAT_DIMENSIONS };
export type { DimensionCount, Question, QuestionFields, StatDimension, TallyTile, TileInput, Visit };

/** How long after a tap the volunteer can take it back; after that it is corrected through the edit form. */
export const UNDO_MINUTES = 5;
export const NOTE_MAX = 200;

export interface VisitStart {
  branchId: number;
  channelId: number;
  appointmentId: number | null;
  walkinId: number | null;
}

export type Period = 'today' | 'week';

/** Where a new question from the form goes: an open visit (its branch and channel), or a new visit at a branch. */
export interface QuestionStart {
  visit: Visit | null;
  branchId: number;
  channelId: number;
  /** The questions the open visit already has, shown above the form. */
  visitQuestions: Question[];
}

export class IntakeService {
  constructor(
    private readonly repo: IntakeRepository,
    private readonly categories: CategoriesService,
    private readonly partners: PartnersService,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
  ) {}

  today(): string {
    return localDate(this.clock.now());
  }

  /**
   * Checks a question's fields against the taxonomy and partner list of the branch. `current` is the
   * record being corrected: values it already has stay valid even when retired since.
   */
  validate(branchId: number, f: QuestionFields, current: QuestionFields | null = null, tax: Taxonomy = this.categories.taxonomy()): FieldError[] {
    const errors: FieldError[] = [];
    const check = (field: string, ok: boolean): void => {
      if (!ok) errors.push({ field, key: 'validation.choose' }); // the error partials name the field (validation.fields)
    };
    check('type', tax.isChoosable(f.typeId, 'question_type', current?.typeId));
    check('organisation', tax.isChoosable(f.organisationId, 'organisation', current?.organisationId));
    if (f.topicId !== null) {
      const topic = tax.get(f.topicId);
      check('topic', tax.isChoosable(f.topicId, 'topic', current?.topicId) && topic?.parentId === f.organisationId);
    }
    if (f.lifeEventId !== null) check('life_event', tax.isChoosable(f.lifeEventId, 'life_event', current?.lifeEventId));
    check('help', tax.isChoosable(f.helpId, 'help', current?.helpId));
    if (f.partnerId !== null) check('partner', this.partners.isChoosableAt(f.partnerId, branchId, current?.partnerId ?? null));
    check('duration', tax.isChoosable(f.durationId, 'duration', current?.durationId));
    check('outcome', tax.isChoosable(f.outcomeId, 'outcome', current?.outcomeId));
    // "Referred" without saying where makes the referral uncountable (SPEC 2.5).
    if (f.partnerId === null && tax.get(f.outcomeId)?.key === 'referred') errors.push({ field: 'partner', key: 'intake.errors.partner_needed' });
    const found = detectPersonalData(f.note);
    if (f.note.length > NOTE_MAX) errors.push({ field: 'note', key: 'intake.errors.note_too_long' });
    else if (found) errors.push({ field: 'note', key: `intake.errors.note_${found}` });
    return errors;
  }

  /** A visit the user may add questions to: their branch, started today. Otherwise it looks absent. */
  visitFor(user: CurrentUser, visitId: number): Visit {
    assertMay(user, 'intake.register');
    const v = this.repo.findVisit(visitId);
    if (!v || !may(user, 'intake.register', v.branchId) || v.localDate !== this.today()) throw new NotFoundError();
    return v;
  }

  questionsOfVisit(visitId: number): Question[] {
    return this.repo.questionsOfVisit(visitId);
  }

  /**
   * The form page's starting point, from its query string: the visit it adds to, or else a new visit at
   * the branch (already access-checked by the caller) on the active channel with the given key.
   */
  startFromQuery(user: CurrentUser, visitId: number | null, branchId: number | null, channelKey: string): QuestionStart {
    if (visitId !== null) return this.startInVisit(user, visitId);
    if (branchId === null) throw new BadRequestError('intake.errors.no_branch');
    assertMay(user, 'intake.register', branchId);
    const channel = this.categories.taxonomy().byKey('channel', channelKey);
    if (!channel || channel.retiredAt) throw new BadRequestError();
    return { visit: null, branchId, channelId: channel.id, visitQuestions: [] };
  }

  /**
   * The form post's starting point, from its hidden fields: the visit, or else a branch the user works at
   * and a channel (which register() checks again when the question is saved).
   */
  startFromForm(user: CurrentUser, hidden: { visit: number | null; branch: number | null; channel: number | null }): QuestionStart {
    if (hidden.visit !== null) return this.startInVisit(user, hidden.visit);
    if (hidden.branch === null || hidden.channel === null) throw new BadRequestError();
    assertMay(user, 'intake.register', hidden.branch);
    return { visit: null, branchId: hidden.branch, channelId: hidden.channel, visitQuestions: [] };
  }

  private startInVisit(user: CurrentUser, visitId: number): QuestionStart {
    const visit = this.visitFor(user, visitId);
    return { visit, branchId: visit.branchId, channelId: visit.channelId, visitQuestions: this.questionsOfVisit(visit.id) };
  }

  /**
   * Registers one question: in the given visit, or in a new one started now. Returns both ids so the
   * form can offer "another question for this visitor". The question holds no personal data; the audit
   * row says who registered it and, on a shared desk PC, from which one (#14), since volunteers switch there.
   */
  register(user: CurrentUser, start: VisitStart | { visitId: number }, fields: QuestionFields, source: 'tally' | 'form' = 'form'): { visitId: number; questionId: number } {
    const now = this.clock.now();
    const result = this.repo.transaction(() => {
      let visit: Visit;
      if ('visitId' in start) {
        visit = this.visitFor(user, start.visitId);
      } else {
        assertMay(user, 'intake.register', start.branchId);
        // The ids come from hidden form fields: an appointment or walk-in of another branch (or none) is refused.
        if (start.appointmentId !== null && this.repo.branchOfLink('appointment', start.appointmentId) !== start.branchId) throw new BadRequestError();
        if (start.walkinId !== null && this.repo.branchOfLink('walkin', start.walkinId) !== start.branchId) throw new BadRequestError();
        const tax = this.categories.taxonomy();
        if (!tax.isChoosable(start.channelId, 'channel')) throw new BadRequestError();
        const v: Omit<Visit, 'id'> = {
          branchId: start.branchId,
          channelId: start.channelId,
          staffUserId: user.id,
          startedAt: now.toISOString(),
          localDate: localDate(now),
          appointmentId: start.appointmentId,
          walkinId: start.walkinId,
        };
        visit = { id: this.repo.insertVisit(v), ...v };
      }
      if (this.validate(visit.branchId, fields).length > 0) throw new BadRequestError();
      const questionId = this.repo.insertQuestion(
        { ...fields, visitId: visit.id, branchId: visit.branchId, channelId: visit.channelId, localDate: visit.localDate, source, userId: user.id },
        now.toISOString(),
      );
      this.audit.record(
        { userId: user.id, label: user.email, ip: null, user },
        { action: 'intake.question_registered', subjectType: 'question', subjectId: questionId, branchId: visit.branchId },
      );
      return { visitId: visit.id, questionId, branchId: visit.branchId };
    });
    // No personal data in the event: desk screens only need to know the list changed.
    this.notifier.publish(`branch:${result.branchId}`, 'intake:registered', { questionId: result.questionId });
    return { visitId: result.visitId, questionId: result.questionId };
  }

  /** One tap on a tile: a new desk visit with one complete question, with the tile's defaults. */
  registerFromTile(user: CurrentUser, branchId: number, tileId: number): { visitId: number; questionId: number; tile: TallyTile } {
    assertMay(user, 'intake.register', branchId);
    const tile = this.repo.tilesFor(branchId).find((t) => t.id === tileId);
    if (!tile) throw new NotFoundError();
    const tax = this.categories.taxonomy();
    const channel = tax.byKey('channel', 'desk');
    if (!channel) throw new NotFoundError();
    const fields: QuestionFields = { ...tile, lifeEventId: null, partnerId: null, note: '' };
    // A tile may point at an entry retired since it was set up; register the organisation alone then.
    if (fields.topicId !== null && !tax.isChoosable(fields.topicId, 'topic')) fields.topicId = null;
    const ids = this.register(user, { branchId, channelId: channel.id, appointmentId: null, walkinId: null }, fields, 'tally');
    return { ...ids, tile };
  }

  /** A question of a branch the user may see; any other id looks as if it does not exist. */
  questionFor(user: CurrentUser, id: number): Question {
    assertMay(user, 'intake.register');
    const q = this.repo.findQuestion(id);
    if (!q || !may(user, 'intake.register', q.branchId)) throw new NotFoundError();
    return q;
  }

  update(actor: Actor, user: CurrentUser, id: number, fields: QuestionFields): void {
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const before = this.questionFor(user, id);
      if (this.validate(before.branchId, fields, before).length > 0) throw new BadRequestError();
      this.repo.updateQuestion(id, fields, user.id, now);
      const changed = Object.fromEntries(
        (Object.keys(fields) as (keyof QuestionFields)[])
          .filter((k) => before[k] !== fields[k])
          // The note's text is not copied into the audit log; that it changed is enough.
          .map((k) => [k, k === 'note' ? { changed: true } : { from: before[k], to: fields[k] }]),
      );
      this.audit.record(actor, { action: 'intake.question_updated', subjectType: 'question', subjectId: id, branchId: before.branchId, details: changed });
    });
  }

  /** Takes back a registration the user made a moment ago (a mis-tap); the visit goes too if it is now empty. */
  undo(actor: Actor, user: CurrentUser, id: number): Question {
    const now = this.clock.now();
    return this.repo.transaction(() => {
      const q = this.questionFor(user, id);
      // Undo is the registrar's own five-minute slip-up button; a colleague holds the same right to correct
      // the record (edit), so this is a conflict with the record, not a missing permission.
      if (q.createdBy !== user.id) throw new ConflictError('intake.errors.undo_not_own');
      if (!this.isUndoable(q, user.id, now)) throw new GoneError('intake.errors.undo_expired');
      this.repo.deleteQuestion(id);
      if (this.repo.countQuestionsInVisit(q.visitId) === 0) this.repo.deleteVisit(q.visitId);
      this.audit.record(actor, { action: 'intake.question_undone', subjectType: 'question', subjectId: id, branchId: q.branchId });
      return q;
    });
  }

  isUndoable(q: Question, userId: number, now: Date = this.clock.now()): boolean {
    return q.createdBy === userId && now.getTime() - new Date(q.createdAt).getTime() <= UNDO_MINUTES * 60_000;
  }

  /** Today, or this week from Monday, at one branch; newest first. */
  list(user: CurrentUser, branchId: number, period: Period, limit = 500): Question[] {
    assertMay(user, 'intake.read', branchId);
    const today = this.today();
    const from = period === 'today' ? today : addDays(today, 1 - isoWeekday(today));
    return this.repo.listForBranch(branchId, from, today, limit);
  }

  tilesFor(branchId: number): TallyTile[] {
    return this.repo.tilesFor(branchId);
  }

  /** The branch's own tiles (none: it uses the defaults), for the coordinator's tile page. */
  ownTiles(user: CurrentUser, branchId: number): TallyTile[] {
    assertMay(user, 'intake.configure', branchId);
    return this.repo.ownTiles(branchId);
  }

  /** Adds a tile to the branch's own set; the first one starts from a copy of the defaults. */
  addTile(actor: Actor, user: CurrentUser, branchId: number, input: TileInput): number {
    assertMay(user, 'intake.configure', branchId);
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      if (this.repo.ownTiles(branchId).length === 0) {
        for (const t of this.repo.tilesFor(branchId)) this.repo.insertTile(branchId, t, now);
      }
      const id = this.repo.insertTile(branchId, input, now);
      this.audit.record(actor, { action: 'intake.tile_added', subjectType: 'tally_tile', subjectId: id, branchId, details: { label: input.labelNl } });
      return id;
    });
  }

  removeTile(actor: Actor, user: CurrentUser, branchId: number, tileId: number): void {
    assertMay(user, 'intake.configure', branchId);
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      if (this.repo.ownTiles(branchId).length === 0) {
        for (const t of this.repo.tilesFor(branchId)) {
          const copy = this.repo.insertTile(branchId, t, now);
          if (t.id === tileId) tileId = copy;
        }
      }
      if (!this.repo.deleteTile(tileId, branchId)) throw new NotFoundError();
      this.audit.record(actor, { action: 'intake.tile_removed', subjectType: 'tally_tile', subjectId: tileId, branchId });
    });
  }

  /** Statistics-ready counts for a month (YYYY-MM) over the given branches. */
  countBy(dimension: StatDimension, branchIds: number[], month: string): DimensionCount[] {
    return this.repo.countBy(dimension, branchIds, month);
  }

  totals(branchIds: number[], month: string): { questions: number; visits: number } {
    return this.repo.totals(branchIds, month);
  }
}
