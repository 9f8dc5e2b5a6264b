import type { CurrentUser } from '../../policy/policy';
import type { Branch } from '../branches/branches.service';

/**
 * The desk page is where volunteers live. Each feature contributes a panel (today's appointments, the
 * walk-in queue, the tally grid, loans due back, open chats) without the desk knowing its internals.
 */
export interface DeskPanel {
  /** Stable id, also the HTML id of the panel's section. */
  id: string;
  /** Template path relative to views/, e.g. 'intake/_desk-panel'. */
  view: string;
  /** Order on the page; lower first. */
  order: number;
  load(user: CurrentUser, branch: Branch): Record<string, unknown>;
  /** Browser scripts (logical asset names) the panel enhances itself with. */
  scripts?: string[];
}
