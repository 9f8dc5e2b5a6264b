import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { NotFoundError } from '../../http/errors';
import { assertActorMay, branchIdsFor } from '../../policy/policy';
import type { SqliteSessionStore } from '../../http/session';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import type { DeskPc, DeskPcsRepository } from './desk-pcs.repository';

export type { DeskPc };

/** Registering shared desk PCs of a branch, listing and revoking them (coordinators and admins). */
export class DeskPcsService {
  constructor(
    private readonly repo: DeskPcsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly sessions: Pick<SqliteSessionStore, 'pinSessionIdsOnDeskPc'>,
    private readonly notifier: Pick<Notifier, 'disconnectSession'>,
  ) {}

  /** The desk PC a browser's (verified) cookie names, while it is not revoked; else null. */
  recognise(id: number | null): DeskPc | null {
    if (id === null) return null;
    const pc = this.repo.find(id);
    return pc && !pc.revokedAt ? pc : null;
  }

  /**
   * Whether a PIN session started on this desk PC still counts (the session guard asks, for PIN sessions
   * only): a PIN is only as good as the desk PC it was typed on. One primary-key lookup.
   */
  isActive(id: number): boolean {
    return this.repo.isActive(id);
  }

  /** Desk PCs of the branches the person may manage, active ones first. */
  list(actor: Actor): DeskPc[] {
    assertActorMay(actor, 'deskpcs.manage');
    return this.repo.list(actor.user ? branchIdsFor(actor.user, 'deskpcs.manage') : null);
  }

  /** Marks the current browser as a desk PC of the branch; the route hands it the signed cookie. */
  register(actor: Actor, branchId: number, name: string): number {
    assertActorMay(actor, 'deskpcs.manage', branchId);
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      const id = this.repo.insert({ branchId, name, registeredBy: actor.userId, now });
      this.audit.record(actor, { action: 'desk_pc.registered', subjectType: 'desk_pc', subjectId: id, branchId, details: { name } });
      return id;
    });
  }

  /**
   * From now on the desk PC's cookie no longer counts: no quick switch there, and no desk PC on audit rows.
   * Whoever was switched in by PIN there is signed out: their next request by the session guard's rule
   * (sessionUser), their live sockets here, as the second-factor reset does. A full sign-in there goes on.
   */
  revoke(actor: Actor, id: number): void {
    const pc = this.repo.find(id);
    if (!pc) throw new NotFoundError();
    assertActorMay(actor, 'deskpcs.manage', pc.branchId);
    this.repo.transaction(() => {
      if (!this.repo.revoke(id, actor.userId, this.clock.now().toISOString())) return;
      this.audit.record(actor, { action: 'desk_pc.revoked', subjectType: 'desk_pc', subjectId: id, branchId: pc.branchId, details: { name: pc.name } });
    });
    for (const sid of this.sessions.pinSessionIdsOnDeskPc(id)) this.notifier.disconnectSession(sid);
  }
}
