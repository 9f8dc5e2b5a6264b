/**
 * What each role may do: the one table. Every service method that acts for a signed-in person asks
 * `may(user, capability, branchId)` (server/policy/policy.ts) against this table before it touches data,
 * so a route or socket handler that forgets a check cannot leak. The README links here: this table is the
 * documentation of who may do what.
 *
 * `scope: 'branch'` capabilities hold only in the branches a person works at (volunteers, coordinators);
 * admins hold them in every branch. `scope: 'global'` capabilities are not about one branch.
 * Experts (Digihulplijn) work across branches on escalations only: no branch capability ever lists them, so
 * they never see a booking, a loan or a citizen's contact details.
 */
export type Role = 'volunteer' | 'coordinator' | 'expert' | 'admin';
export const ROLES: readonly Role[] = ['volunteer', 'coordinator', 'expert', 'admin'];

export interface CapabilityRule {
  readonly scope: 'branch' | 'global';
  readonly roles: readonly Role[];
  /** One line for people reading the table (and the README). */
  readonly means: string;
}

const DESK: readonly Role[] = ['volunteer', 'coordinator'];
const MANAGERS: readonly Role[] = ['coordinator', 'admin'];

export const CAPABILITIES = {
  // The desk: people at the branch today. Admins run the system, not the desk (they hold no desk shift, so
  // they see no citizen's name or contact details unless they also have a desk account).
  'desk.use': { scope: 'branch', roles: DESK, means: "Open /desk: today's appointments, the walk-in queue and quick registration" },
  'queue.operate': { scope: 'branch', roles: DESK, means: 'Call, start, finish or mark a no-show for people in the queue' },
  'appointments.manage': { scope: 'branch', roles: DESK, means: "See and change the branch's bookings (names and contact details included)" },
  'appointments.override_capacity': { scope: 'branch', roles: ['coordinator'], means: 'Book beyond the number of desks (audited)' },
  // Registration is anonymous: admins may read and correct it, only desk staff register new questions.
  'intake.register': { scope: 'branch', roles: DESK, means: 'Register, edit and undo help questions' },
  'intake.read': { scope: 'branch', roles: ['volunteer', 'coordinator', 'admin'], means: 'See the list of registered questions (anonymous)' },
  'intake.configure': { scope: 'branch', roles: MANAGERS, means: 'Choose the quick-registration tiles of a branch' },
  // Coming next (SPEC 4.5, 4.6): named now so the features use the table, not a role list of their own.
  'loans.manage': { scope: 'branch', roles: DESK, means: 'Lend, take back and wipe devices; see borrowers' },
  'loans.allow_multiple': { scope: 'branch', roles: ['coordinator'], means: 'Let one borrower have more than one device (audited)' },
  'escalations.start': { scope: 'branch', roles: DESK, means: 'Escalate a question to the Digihulplijn and chat about it' },
  'escalations.answer': { scope: 'global', roles: ['expert'], means: 'Take escalations from every branch and chat with the volunteer' },
  // Chat events are sent by both sides; which escalation a person may talk in is decided per escalation by
  // server/features/escalations/escalations.access.ts (branch volunteers, or the expert holding it).
  'escalations.chat': { scope: 'global', roles: ['volunteer', 'coordinator', 'expert'], means: 'Take part in an escalation chat (the escalation decides which side, if any)' },
  // Management.
  'admin.open': { scope: 'global', roles: MANAGERS, means: 'Open the management pages (/admin)' },
  'branch.configure': { scope: 'branch', roles: MANAGERS, means: 'Change opening hours, closures and booking settings of a branch' },
  'branch.create': { scope: 'global', roles: ['admin'], means: 'Add, retire and reopen branches; change name, address and desks' },
  'categories.manage': { scope: 'global', roles: MANAGERS, means: 'Add, rename, reorder and retire categories' },
  'partners.manage': { scope: 'branch', roles: MANAGERS, means: "Maintain a branch's referral partners" },
  'partners.manage_national': { scope: 'global', roles: ['admin'], means: 'Maintain the national referral partners' },
  'stats.read': { scope: 'branch', roles: MANAGERS, means: 'See statistics and exports of a branch' },
  'subjects.manage': { scope: 'branch', roles: MANAGERS, means: "Find, export and erase one person's data (data-subject requests)" },
  'users.manage': { scope: 'global', roles: ['admin'], means: 'Add users, change roles and branches, reset passwords' },
  'audit.read': { scope: 'global', roles: ['admin'], means: 'Read the audit log' },
  'outbox.manage': { scope: 'global', roles: ['admin'], means: 'See outgoing e-mail and retry it' },
  'retention.configure': { scope: 'global', roles: ['admin'], means: 'Change how long personal data is kept' },
  'deskpcs.manage': { scope: 'branch', roles: MANAGERS, means: "Register a branch's shared desk PCs (PIN quick switch) and revoke them" },
  'escalations.configure': { scope: 'global', roles: ['admin'], means: 'Set the Digihulplijn number, hours and chat limits' },
} as const satisfies Record<string, CapabilityRule>;

export type Capability = keyof typeof CAPABILITIES;
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];
