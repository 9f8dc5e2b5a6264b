import { parseId } from '../../http/auth';
import { BadRequestError } from '../../http/errors';
import type { FieldError, FormValues } from '../../http/validation';
import type { Branch } from '../branches/branches.service';
import type { TaxonomyEntry } from '../categories/categories.service';
import type { Taxonomy } from '../categories/taxonomy';
import type { Partner } from '../partners/partners.service';
import type { Question, QuestionFields, QuestionStart, VisitStart } from './intake.service';
import { QUESTION_FIELDS } from './intake.schema';

/*
 * The question form's pure helpers: reading its query string, its starting values and the context and
 * options its template shows. Plain inputs and outputs, no request or response, so handlers stay thin.
 */

/** What the question form template is about, besides the option lists. */
export interface FormContext {
  mode: 'new' | 'edit';
  action: string;
  branch: Branch;
  values: FormValues;
  errors: FieldError[];
  /** The record being corrected (edit), so its retired values stay offered. */
  current: QuestionFields | null;
  visit: QuestionStart['visit'];
  visitQuestions: Question[];
  channelId: number | null;
  /** The organisation step was just taken without JavaScript: move focus to the topic. */
  focusTopic?: boolean;
}

/** The query string of GET /intake/new, checked for shape only (what the ids mean is the service's). */
export interface NewQuestionQuery {
  visitId: number | null;
  appointmentId: number | null;
  walkinId: number | null;
  /** The channel a new visit starts on: ?channel=KEY, else 'appointment' for an appointment, else 'desk'. */
  channelKey: string;
  /** A pre-chosen organisation, if it looks like an id; whether it may be chosen is checked later. */
  organisationId: number | null;
}

/** An optional id in the query string: absent is null, present but not a positive whole number is a 400. */
function optionalQueryId(value: unknown): number | null {
  if (value === undefined) return null;
  const id = parseId(value);
  if (id === null) throw new BadRequestError();
  return id;
}

/**
 * Reads GET /intake/new's query. Links from an appointment or walk-in: the ids must be positive whole
 * numbers; the arrival feature checks they belong to the branch before it links here.
 */
export function readNewQuestionQuery(query: Record<string, unknown>): NewQuestionQuery {
  const visitId = optionalQueryId(query.visit);
  const appointmentId = optionalQueryId(query.appointment);
  const walkinId = optionalQueryId(query.walkin);
  const channelKey = typeof query.channel === 'string' ? query.channel : appointmentId ? 'appointment' : 'desk';
  return { visitId, appointmentId, walkinId, channelKey, organisationId: parseId(query.organisation) };
}

/** Sensible starting values: the most common answers, so a typical question is a few taps. */
export function defaultValues(tax: Taxonomy): FormValues {
  const idOf = (kind: Parameters<Taxonomy['byKey']>[0], key: string): string => {
    const e = tax.byKey(kind, key);
    return e && !e.retiredAt ? String(e.id) : '';
  };
  return {
    type: idOf('question_type', 'digital_government'),
    organisation: '',
    topic: '',
    life_event: '',
    help: idOf('help', 'together'),
    partner: '',
    duration: '',
    outcome: idOf('outcome', 'solved'),
    note: '',
  };
}

/** Only the declared question fields as strings, for showing the form again. */
export function pickValues(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of QUESTION_FIELDS) out[f] = typeof body[f] === 'string' ? (body[f] as string) : '';
  return out;
}

/** The hidden fields that carry a new question's visit context from the GET page to its POST. */
export function visitFieldValues(start: QuestionStart, appointmentId: number | null, walkinId: number | null): FormValues {
  return {
    branch: String(start.branchId),
    visit: start.visit ? String(start.visit.id) : '',
    channel: start.channelId ? String(start.channelId) : '',
    appointment: appointmentId ? String(appointmentId) : '',
    walkin: walkinId ? String(walkinId) : '',
  };
}

/** Where register() puts a question that starts here: in the open visit, or in a new one with the links. */
export function registerStartOf(start: QuestionStart, appointmentId: number | null, walkinId: number | null): VisitStart | { visitId: number } {
  return start.visit ? { visitId: start.visit.id } : { branchId: start.branchId, channelId: start.channelId, appointmentId, walkinId };
}

/** The first values of a new question: the defaults, the visit context, and a pre-chosen organisation if choosable. */
export function newQuestionValues(tax: Taxonomy, start: QuestionStart, query: NewQuestionQuery): FormValues {
  const values: FormValues = { ...defaultValues(tax), ...visitFieldValues(start, query.appointmentId, query.walkinId) };
  if (query.organisationId && tax.isChoosable(query.organisationId, 'organisation')) values.organisation = String(query.organisationId);
  return values;
}

export function newFormContext(branch: Branch, start: QuestionStart, values: FormValues): FormContext {
  return {
    mode: 'new',
    action: '/intake/new',
    branch,
    values,
    errors: [],
    current: null,
    visit: start.visit,
    visitQuestions: start.visitQuestions,
    channelId: start.channelId,
  };
}

export function editFormContext(q: Question, branch: Branch, values: FormValues): FormContext {
  return { mode: 'edit', action: `/intake/${q.id}/edit`, branch, values, errors: [], current: q, visit: null, visitQuestions: [], channelId: q.channelId };
}

/** The step without JavaScript: an organisation was chosen, show its topics; nothing is saved yet. */
export function afterOrganisationStep(ctx: FormContext): FormContext {
  return { ...ctx, values: { ...ctx.values, topic: '' }, focusTopic: true };
}

/** The entries a select offers: active ones, plus the record's current value if it was retired since. */
export function withCurrent(active: TaxonomyEntry[], tax: Taxonomy, currentId: number | null): TaxonomyEntry[] {
  const current = tax.get(currentId);
  return current && !active.some((e) => e.id === current.id) ? [...active, current] : active;
}

/** The partners a select offers: those choosable at the branch, plus the record's current one. */
export function withCurrentPartner(choosable: Partner[], current: Partner | null): Partner[] {
  return current && !choosable.some((p) => p.id === current.id) ? [...choosable, current] : choosable;
}

export interface FormOptions {
  types: TaxonomyEntry[];
  organisations: TaxonomyEntry[];
  topics: TaxonomyEntry[];
  lifeEvents: TaxonomyEntry[];
  helps: TaxonomyEntry[];
  durations: TaxonomyEntry[];
  outcomes: TaxonomyEntry[];
  channels: TaxonomyEntry[];
  partners: Partner[];
  allTopics: { org: TaxonomyEntry; topics: TaxonomyEntry[] }[];
}

/** Every select's options for the values shown; topics are those of the chosen organisation. */
export function formOptions(tax: Taxonomy, values: FormValues, current: QuestionFields | null, partners: Partner[]): FormOptions {
  const orgId = parseId(values.organisation);
  const organisations = withCurrent(tax.active('organisation'), tax, current?.organisationId ?? null);
  const topics = orgId === null ? [] : withCurrent(tax.active('topic', orgId), tax, current && current.organisationId === orgId ? current.topicId : null);
  return {
    types: withCurrent(tax.active('question_type'), tax, current?.typeId ?? null),
    organisations,
    topics,
    lifeEvents: withCurrent(tax.active('life_event'), tax, current?.lifeEventId ?? null),
    helps: withCurrent(tax.active('help'), tax, current?.helpId ?? null),
    durations: withCurrent(tax.active('duration'), tax, current?.durationId ?? null),
    outcomes: withCurrent(tax.active('outcome'), tax, current?.outcomeId ?? null),
    channels: tax.active('channel'),
    partners,
    // Every organisation's topics, for the script that swaps the topic list without a round trip.
    allTopics: organisations.map((o) => ({ org: o, topics: tax.active('topic', o.id) })),
  };
}
