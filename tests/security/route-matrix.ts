import type { Capability } from '../../server/policy/policy';

/**
 * Every route of the app and who may use it, for the generated permission matrix
 * (permission-matrix.test.ts). A route that is not listed here fails that test, so a new route cannot be
 * added without saying which capability of server/policy/capabilities.ts guards it.
 */
export type Side = 'own' | 'other';

/** Records that exist in one branch, made by the matrix test's fixture. */
export interface BranchRecords {
  branch: number;
  appointment: number;
  walkin: number;
  question: number;
  closure: number;
  partner: number;
  tile: number;
  /** Loans: an available device, a device on loan (with its loan and borrower), one waiting for its wipe, a reservation. */
  device: number;
  loan: number;
  borrower: number;
  wipeDevice: number;
  reservation: number;
  /** An active escalation of the branch; the own branch's one is held by the matrix's expert, the other's by another expert. */
  escalation: number;
  /** An open callback request of the branch (experts read its phone number, audited). */
  callback: number;
  /** A registered desk PC of the branch. */
  deskPc: number;
  /** A phone-only waiting person of the branch, with an open offer (the waitlist's call list). */
  waitlistEntry: number;
  waitlistOffer: number;
}

export interface Fixture {
  A: BranchRecords;
  B: BranchRecords;
  userId: number;
  outboxId: number;
  categoryId: number;
}

export interface RouteCase {
  /** A capability from the table; 'public' (anyone, also signed out) or 'signed-in' (any staff role). */
  access: Capability | 'public' | 'signed-in';
  /** Run for a record or branch of the person's own branch and of another branch (expect 404 there). */
  scoped?: boolean;
  url: (f: Fixture, side: Side) => string;
  body?: (f: Fixture, side: Side) => Record<string, string>;
  /** The answer when allowed, where it is not 200 for a GET (a page shown once redirects afterwards). */
  allowedStatus?: number;
  /**
   * A conversation the person takes part in on the own side and not on the other (escalation chats: the
   * branch's volunteers and the expert holding it): 404 on the other side for every role with the capability.
   */
  participant?: boolean;
}

const at = (f: Fixture, side: Side): BranchRecords => (side === 'own' ? f.A : f.B);
const fixed = (url: string) => (): string => url;
const pub = (url: string): RouteCase => ({ access: 'public', url: fixed(url) });
const global = (access: Capability, url: string | ((f: Fixture) => string)): RouteCase => ({
  access,
  url: typeof url === 'string' ? fixed(url) : (f) => url(f),
});
/** A branch-scoped case: the url (and body) are built for the own or the other branch. */
const scoped = (access: Capability, url: (r: BranchRecords) => string, body?: (r: BranchRecords) => Record<string, string>): RouteCase => ({
  access,
  scoped: true,
  url: (f, side) => url(at(f, side)),
  body: body ? (f, side) => body(at(f, side)) : undefined,
});

/** A chat case: 'escalations.chat', and only the own branch's escalation is one the person takes part in. */
function chat(url: (r: BranchRecords) => string, body?: (r: BranchRecords) => Record<string, string>): RouteCase {
  return { ...scoped('escalations.chat', url, body), participant: true };
}

export const ROUTE_MATRIX: Record<string, RouteCase[]> = {
  'GET /': [pub('/')],
  'GET /healthz': [pub('/healthz')],
  'GET /language/:code': [pub('/language/en')],
  'GET /login': [pub('/login')],
  'POST /login': [pub('/login')],
  'POST /logout': [pub('/logout')],
  'GET /setup': [pub('/setup')],
  'POST /setup': [pub('/setup')],
  'GET /account/password': [{ access: 'signed-in', url: fixed('/account/password') }],
  'POST /account/password': [{ access: 'signed-in', url: fixed('/account/password') }],
  // The second factor (#14): enrolment for oneself, the second step of sign-in, the admins' switch and reset.
  'GET /account/second-factor': [{ access: 'signed-in', url: fixed('/account/second-factor') }],
  'POST /account/second-factor': [{ access: 'signed-in', url: fixed('/account/second-factor') }],
  'GET /account/second-factor/recovery-codes': [{ access: 'signed-in', url: fixed('/account/second-factor/recovery-codes'), allowedStatus: 303 }],
  'GET /login/second-factor': [pub('/login/second-factor')],
  'POST /login/second-factor': [pub('/login/second-factor')],
  'GET /admin/second-factor': [global('users.manage', '/admin/second-factor')],
  'POST /admin/second-factor': [global('users.manage', '/admin/second-factor')],
  'POST /admin/users/:id/second-factor/reset': [global('users.manage', (f) => `/admin/users/${f.userId}/second-factor/reset`)],

  // Citizens: booking, the manage link, the kiosk, the queue screen and the survey.
  'GET /privacy': [pub('/privacy')],
  'GET /toegankelijkheid': [pub('/toegankelijkheid')],
  'GET /book': [pub('/book')],
  'POST /book': [pub('/book')],
  'GET /book/topic': [pub('/book/topic')],
  'GET /book/time': [pub('/book/time')],
  'GET /book/details': [pub('/book/details')],
  'POST /book/details': [pub('/book/details')],
  'GET /book/check': [pub('/book/check')],
  'GET /book/cancelled': [pub('/book/cancelled')],
  'GET /appointments/:key/calendar.ics': [pub('/appointments/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/calendar.ics')],
  'GET /appointments/:key/cancel': [pub('/appointments/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/cancel')],
  'POST /appointments/:key/cancel': [pub('/appointments/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/cancel')],
  'GET /appointments/:key/reschedule': [pub('/appointments/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/reschedule')],
  'POST /appointments/:key/reschedule': [pub('/appointments/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/reschedule')],
  'GET /check-in': [pub('/check-in')],
  'POST /check-in': [pub('/check-in')],
  'GET /check-in/result': [pub('/check-in/result')],
  'GET /check-in/ticket/:token': [pub('/check-in/ticket/AAAAAAAAAAAAAAAAAAAAAA')],
  'POST /check-in/walk-in': [pub('/check-in/walk-in')],
  // Making a browser a branch's kiosk is desk work at that branch (issue #15); the POST signs the person out.
  'GET /check-in/setup': [scoped('desk.use', (r) => `/check-in/setup?branch=${r.branch}`)],
  'POST /check-in/setup': [scoped('desk.use', () => '/check-in/setup', (r) => ({ branch: String(r.branch) }))],
  'GET /queue/:branchId': [{ access: 'public', url: (f) => `/queue/${f.A.branch}` }],
  'GET /queue/:branchId/state.json': [{ access: 'public', url: (f) => `/queue/${f.A.branch}/state.json` }],
  'GET /survey': [pub('/survey')],
  'POST /survey': [pub('/survey')],
  'GET /survey/thanks': [pub('/survey/thanks')],

  // The desk: today at one branch.
  'GET /desk': [scoped('desk.use', (r) => `/desk?branch=${r.branch}`)],
  'POST /queue/walkins/:id/call': [scoped('queue.operate', (r) => `/queue/walkins/${r.walkin}/call`, () => ({ desk: '1' }))],
  'POST /queue/walkins/:id/start': [scoped('queue.operate', (r) => `/queue/walkins/${r.walkin}/start`)],
  'POST /queue/walkins/:id/done': [scoped('queue.operate', (r) => `/queue/walkins/${r.walkin}/done`)],
  'POST /queue/walkins/:id/no-show': [scoped('queue.operate', (r) => `/queue/walkins/${r.walkin}/no-show`)],
  'POST /queue/appointments/:id/call': [scoped('queue.operate', (r) => `/queue/appointments/${r.appointment}/call`, () => ({ desk: '1' }))],
  'POST /queue/appointments/:id/start': [scoped('queue.operate', (r) => `/queue/appointments/${r.appointment}/start`)],

  // Staff side of bookings. /appointments/:key is the citizen's manage page for a token and the staff
  // page for a numeric id.
  'GET /appointments': [scoped('appointments.manage', (r) => `/appointments?branch=${r.branch}`)],
  'GET /appointments/day': [scoped('appointments.manage', (r) => `/appointments/day?branch=${r.branch}`)],
  'GET /appointments/reminder-calls': [scoped('appointments.manage', (r) => `/appointments/reminder-calls?branch=${r.branch}`)],
  'GET /appointments/new': [scoped('appointments.manage', (r) => `/appointments/new?branch=${r.branch}`)],
  'POST /appointments/new': [scoped('appointments.manage', () => '/appointments/new', (r) => ({ branch: String(r.branch) }))],
  'GET /appointments/:key': [pub('/appointments/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), scoped('appointments.manage', (r) => `/appointments/${r.appointment}`)],
  'POST /appointments/:id/status': [scoped('appointments.manage', (r) => `/appointments/${r.appointment}/status`, () => ({ status: 'arrived' }))],
  'POST /appointments/:id/cancel': [scoped('appointments.manage', (r) => `/appointments/${r.appointment}/cancel`)],

  // Registration of questions.
  'GET /intake': [scoped('intake.read', (r) => `/intake?branch=${r.branch}`)],
  // Statistics exports (stats.export.routes.ts): coordinators of the branch and admins; another branch is 404.
  'GET /stats/export.csv': [scoped('stats.read', (r) => `/stats/export.csv?from=2026-01&to=2026-02&branch=${r.branch}`)],
  'GET /stats/export.xlsx': [scoped('stats.read', (r) => `/stats/export.xlsx?from=2026-01&to=2026-02&branch=${r.branch}`)],
  'GET /stats/export-ido.csv': [scoped('stats.read', (r) => `/stats/export-ido.csv?from=2026-01&to=2026-02&branch=${r.branch}`)],
  'GET /stats/report-mail': [global('stats.read', '/stats/report-mail')],
  'POST /stats/report-mail': [global('stats.read', '/stats/report-mail')],
  'GET /intake/new': [scoped('intake.register', (r) => `/intake/new?branch=${r.branch}`)],
  'POST /intake/new': [scoped('intake.register', () => '/intake/new', (r) => ({ branch: String(r.branch) }))],
  'POST /intake/tally': [scoped('intake.register', () => '/intake/tally', (r) => ({ branch: String(r.branch) }))],
  'GET /intake/:id/edit': [scoped('intake.register', (r) => `/intake/${r.question}/edit`)],
  'POST /intake/:id/edit': [scoped('intake.register', (r) => `/intake/${r.question}/edit`)],
  'POST /intake/:id/undo': [scoped('intake.register', (r) => `/intake/${r.question}/undo`)],
  'GET /intake/tiles': [scoped('intake.configure', (r) => `/intake/tiles?branch=${r.branch}`)],
  'POST /intake/tiles': [scoped('intake.configure', () => '/intake/tiles', (r) => ({ branch: String(r.branch) }))],
  'POST /intake/tiles/:id/delete': [scoped('intake.configure', (r) => `/intake/tiles/${r.tile}/delete`, (r) => ({ branch: String(r.branch) }))],

  // Device loans: the inventory (/devices) and lending (/loans), all in the person's branches only.
  'GET /devices': [scoped('loans.manage', (r) => `/devices?branch=${r.branch}`)],
  'GET /devices/new': [scoped('loans.manage', (r) => `/devices/new?branch=${r.branch}`)],
  'POST /devices/new': [scoped('loans.manage', () => '/devices/new', (r) => ({ branch: String(r.branch) }))],
  'GET /devices/import': [scoped('loans.manage', (r) => `/devices/import?branch=${r.branch}`)],
  'POST /devices/import': [scoped('loans.manage', () => '/devices/import', (r) => ({ branch: String(r.branch) }))],
  'GET /devices/:id': [scoped('loans.manage', (r) => `/devices/${r.device}`)],
  'GET /devices/:id/edit': [scoped('loans.manage', (r) => `/devices/${r.device}/edit`)],
  'POST /devices/:id/edit': [scoped('loans.manage', (r) => `/devices/${r.device}/edit`)],
  'POST /devices/:id/status': [scoped('loans.manage', (r) => `/devices/${r.device}/status`, () => ({ status: 'in_repair' }))],
  'POST /devices/:id/wipe': [scoped('loans.manage', (r) => `/devices/${r.wipeDevice}/wipe`, () => ({ wiped: 'on' }))],
  'GET /devices/:id/label': [scoped('loans.manage', (r) => `/devices/${r.device}/label`)],
  'GET /loans': [scoped('loans.manage', (r) => `/loans?branch=${r.branch}`)],
  'GET /loans/new': [scoped('loans.manage', (r) => `/loans/new?branch=${r.branch}`)],
  'POST /loans/new': [scoped('loans.manage', () => '/loans/new', (r) => ({ branch: String(r.branch) }))],
  'GET /loans/overdue': [scoped('loans.manage', (r) => `/loans/overdue?branch=${r.branch}`)],
  'GET /loans/overdue/print': [scoped('loans.manage', (r) => `/loans/overdue/print?branch=${r.branch}`)],
  'GET /loans/reservations': [scoped('loans.manage', (r) => `/loans/reservations?branch=${r.branch}`)],
  'POST /loans/reservations': [scoped('loans.manage', () => '/loans/reservations', (r) => ({ branch: String(r.branch) }))],
  'POST /loans/reservations/:id/cancel': [scoped('loans.manage', (r) => `/loans/reservations/${r.reservation}/cancel`)],
  'GET /loans/settings': [scoped('branch.configure', (r) => `/loans/settings?branch=${r.branch}`)],
  'POST /loans/settings': [scoped('branch.configure', () => '/loans/settings', (r) => ({ branch: String(r.branch) }))],
  'GET /loans/borrowers/:id': [scoped('loans.manage', (r) => `/loans/borrowers/${r.borrower}`)],
  'GET /loans/:id': [scoped('loans.manage', (r) => `/loans/${r.loan}`)],
  'GET /loans/:id/agreement': [scoped('loans.manage', (r) => `/loans/${r.loan}/agreement`)],
  'POST /loans/:id/return': [scoped('loans.manage', (r) => `/loans/${r.loan}/return`, () => ({ condition: 'fine' }))],
  'POST /loans/:id/renew': [scoped('loans.manage', (r) => `/loans/${r.loan}/renew`, () => ({ due_date: '2026-05-01' }))],

  // Statistics: one branch the person may read (?branch=), or all of theirs.
  'GET /stats': [scoped('stats.read', (r) => `/stats?branch=${r.branch}`), global('stats.read', '/stats?branch=all')],
  'GET /stats/print': [scoped('stats.read', (r) => `/stats/print?branch=${r.branch}`), global('stats.read', '/stats/print')],

  // Management.
  'GET /admin': [global('admin.open', '/admin')],
  'GET /admin/audit': [global('audit.read', '/admin/audit')],
  'GET /admin/retention': [global('retention.configure', '/admin/retention')],
  'POST /admin/retention': [global('retention.configure', '/admin/retention')],
  // Desk PCs and the PIN quick switch: whether /switch takes a PIN depends on the browser's desk PC cookie
  // and the shift, not on a role (see server/features/desk-pcs/desk-pcs.routes.test.ts).
  'GET /admin/desk-pcs': [global('deskpcs.manage', '/admin/desk-pcs')],
  'POST /admin/desk-pcs': [scoped('deskpcs.manage', () => '/admin/desk-pcs', (r) => ({ branch: String(r.branch), name: 'Balie 2' }))],
  'POST /admin/desk-pcs/:id/revoke': [scoped('deskpcs.manage', (r) => `/admin/desk-pcs/${r.deskPc}/revoke`)],
  'GET /account/pin': [{ access: 'signed-in', url: fixed('/account/pin') }],
  'POST /account/pin': [{ access: 'signed-in', url: fixed('/account/pin') }],
  'GET /account/step-up': [{ access: 'signed-in', url: fixed('/account/step-up') }],
  'POST /account/step-up': [{ access: 'signed-in', url: fixed('/account/step-up') }],
  'GET /switch': [pub('/switch')],
  'POST /switch': [pub('/switch')],
  'GET /admin/escalations': [global('escalations.configure', '/admin/escalations')],
  'POST /admin/escalations': [global('escalations.configure', '/admin/escalations')],
  'GET /admin/subjects': [global('subjects.manage', '/admin/subjects')],
  'POST /admin/subjects': [global('subjects.manage', '/admin/subjects')],
  'POST /admin/subjects/export': [global('subjects.manage', '/admin/subjects/export')],
  'POST /admin/subjects/erase': [global('subjects.manage', '/admin/subjects/erase')],
  'GET /admin/outbox': [global('outbox.manage', '/admin/outbox')],
  'GET /admin/outbox/:id': [global('outbox.manage', (f) => `/admin/outbox/${f.outboxId}`)],
  'POST /admin/outbox/:id/retry': [global('outbox.manage', (f) => `/admin/outbox/${f.outboxId}/retry`)],
  'GET /admin/users': [global('users.manage', '/admin/users')],
  'GET /admin/users/new': [global('users.manage', '/admin/users/new')],
  'POST /admin/users/new': [global('users.manage', '/admin/users/new')],
  'GET /admin/users/:id': [global('users.manage', (f) => `/admin/users/${f.userId}`)],
  'POST /admin/users/:id': [global('users.manage', (f) => `/admin/users/${f.userId}`)],
  'POST /admin/users/:id/disable': [global('users.manage', (f) => `/admin/users/${f.userId}/disable`)],
  'POST /admin/users/:id/enable': [global('users.manage', (f) => `/admin/users/${f.userId}/enable`)],
  // The new temporary password is shown once, right after a reset; without one the page redirects.
  'GET /admin/users/:id/password': [{ ...global('users.manage', (f) => `/admin/users/${f.userId}/password`), allowedStatus: 303 }],
  'POST /admin/users/:id/reset-password': [global('users.manage', (f) => `/admin/users/${f.userId}/reset-password`)],
  'GET /admin/categories': [global('categories.manage', '/admin/categories')],
  'POST /admin/categories': [global('categories.manage', '/admin/categories')],
  'GET /admin/categories/:id/edit': [global('categories.manage', (f) => `/admin/categories/${f.categoryId}/edit`)],
  'POST /admin/categories/:id/edit': [global('categories.manage', (f) => `/admin/categories/${f.categoryId}/edit`)],
  'POST /admin/categories/:id/move': [global('categories.manage', (f) => `/admin/categories/${f.categoryId}/move`)],
  'POST /admin/categories/:id/retire': [global('categories.manage', (f) => `/admin/categories/${f.categoryId}/retire`)],
  'GET /admin/partners': [global('partners.manage', '/admin/partners')],
  'GET /admin/partners/new': [global('partners.manage', '/admin/partners/new')],
  'POST /admin/partners/new': [scoped('partners.manage', () => '/admin/partners/new', (r) => ({ scope: String(r.branch) }))],
  'GET /admin/partners/:id/edit': [scoped('partners.manage', (r) => `/admin/partners/${r.partner}/edit`)],
  'POST /admin/partners/:id/edit': [scoped('partners.manage', (r) => `/admin/partners/${r.partner}/edit`)],
  'POST /admin/partners/:id/retire': [scoped('partners.manage', (r) => `/admin/partners/${r.partner}/retire`)],
  'GET /admin/branches': [global('branch.configure', '/admin/branches')],
  'GET /admin/branches/new': [global('branch.create', '/admin/branches/new')],
  'POST /admin/branches/new': [global('branch.create', '/admin/branches/new')],
  'GET /admin/branches/:id': [scoped('branch.configure', (r) => `/admin/branches/${r.branch}`)],
  'POST /admin/branches/:id': [scoped('branch.configure', (r) => `/admin/branches/${r.branch}`)],
  'GET /admin/branches/:id/hours': [scoped('branch.configure', (r) => `/admin/branches/${r.branch}/hours`)],
  'POST /admin/branches/:id/hours': [scoped('branch.configure', (r) => `/admin/branches/${r.branch}/hours`)],
  'GET /admin/branches/:id/closures': [scoped('branch.configure', (r) => `/admin/branches/${r.branch}/closures`)],
  'POST /admin/branches/:id/closures': [scoped('branch.configure', (r) => `/admin/branches/${r.branch}/closures`)],
  'POST /admin/branches/:id/closures/:closureId/delete': [scoped('branch.configure', (r) => `/admin/branches/${r.branch}/closures/${r.closure}/delete`)],
  'POST /admin/branches/:id/retire': [global('branch.create', (f) => `/admin/branches/${f.B.branch}/retire`)],
  'POST /admin/branches/:id/reopen': [global('branch.create', (f) => `/admin/branches/${f.B.branch}/reopen`)],

  // Escalation chat (messaging): the branch's volunteers and the expert holding the escalation.
  'GET /escalations/:id/messages': [chat((r) => `/escalations/${r.escalation}/messages?after=0`)],
  'POST /escalations/:id/messages': [chat((r) => `/escalations/${r.escalation}/messages`, () => ({ body: 'Hallo', clientId: 'matrix-1' }))],

  // Escalation lifecycle: desk staff escalate and follow their branch's escalations; experts (all branches)
  // work the queue, and only the expert holding an escalation transfers or closes it.
  'GET /escalations': [global('escalations.chat', '/escalations')],
  'POST /escalations': [scoped('escalations.start', () => '/escalations', (r) => ({ question: String(r.question), description: 'Vraag over DigiD' }))],
  'GET /escalations/new': [scoped('escalations.start', (r) => `/escalations/new?question=${r.question}`)],
  'GET /escalations/callback': [scoped('escalations.start', (r) => `/escalations/callback?question=${r.question}`)],
  'POST /escalations/callbacks': [scoped('escalations.start', () => '/escalations/callbacks', (r) => ({ question: String(r.question) }))],
  'GET /escalations/callbacks/:id': [global('escalations.answer', (f) => `/escalations/callbacks/${f.A.callback}`)],
  'POST /escalations/callbacks/:id/done': [global('escalations.answer', (f) => `/escalations/callbacks/${f.A.callback}/done`)],
  'POST /escalations/presence': [{ access: 'escalations.answer', url: fixed('/escalations/presence'), body: () => ({ status: 'available' }) }],
  'GET /escalations/:id': [chat((r) => `/escalations/${r.escalation}`)],
  'POST /escalations/:id/accept': [global('escalations.answer', (f) => `/escalations/${f.A.escalation}/accept`)],
  'POST /escalations/:id/transfer': [{ ...scoped('escalations.answer', (r) => `/escalations/${r.escalation}/transfer`, () => ({ to: '1' })), participant: true }],
  'POST /escalations/:id/close': [{ ...scoped('escalations.answer', (r) => `/escalations/${r.escalation}/close`, () => ({ outcome: 'solved' })), participant: true }],
  'POST /escalations/:id/cancel': [scoped('escalations.start', (r) => `/escalations/${r.escalation}/cancel`)],
  // The waitlist: the public form and offer link, the staff page per branch (appointments.manage).
  'GET /waitlist': [pub('/waitlist')],
  'POST /waitlist': [pub('/waitlist')],
  'GET /waitlist/joined': [pub('/waitlist/joined')],
  'GET /waitlist/offer/:token': [pub('/waitlist/offer/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')],
  'POST /waitlist/offer/:token': [pub('/waitlist/offer/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')],
  'GET /waitlist/staff': [scoped('appointments.manage', (r) => `/waitlist/staff?branch=${r.branch}`)],
  'POST /waitlist/staff/:id/remove': [scoped('appointments.manage', (r) => `/waitlist/staff/${r.waitlistEntry}/remove`)],
  'POST /waitlist/staff/offers/:id/book': [scoped('appointments.manage', (r) => `/waitlist/staff/offers/${r.waitlistOffer}/book`)],
};

/** A client→server socket event: its capability (must equal what the event registers with) and a payload. */
export interface SocketCase {
  capability: Capability;
  payload: (r: BranchRecords) => Record<string, unknown>;
  /** As RouteCase.participant: the other branch's record is not the person's conversation (not_found). */
  participant?: boolean;
}

/** Every socket event, for the same matrix; an event a feature registers without an entry fails the test. */
export const SOCKET_MATRIX: Record<string, SocketCase> = {
  'queue.call': { capability: 'queue.operate', payload: (r) => ({ kind: 'walkin', id: r.walkin, desk: 1 }) },
  'chat:join': { capability: 'escalations.chat', participant: true, payload: (r) => ({ escalationId: r.escalation, afterSeq: 0 }) },
  'chat:send': { capability: 'escalations.chat', participant: true, payload: (r) => ({ escalationId: r.escalation, clientId: 'matrix-socket', body: 'Hallo' }) },
  'chat:typing': { capability: 'escalations.chat', participant: true, payload: (r) => ({ escalationId: r.escalation, typing: true }) },
  'chat:read': { capability: 'escalations.chat', participant: true, payload: (r) => ({ escalationId: r.escalation, seq: 1 }) },
  'escalations:presence': { capability: 'escalations.answer', payload: () => ({}) },
};
