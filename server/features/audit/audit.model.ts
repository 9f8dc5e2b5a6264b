/** One line of the audit log: who did what, when, to which record. */
export interface AuditEntry {
  id: number;
  at: string;
  actorUserId: number | null;
  actorLabel: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  branchId: number | null;
  ip: string | null;
  details: Record<string, unknown>;
  /** The shared desk PC the action came from (server/features/desk-pcs), and its name; null elsewhere. */
  deskPcId: number | null;
  deskPcName: string | null;
}
