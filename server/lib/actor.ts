import type { CurrentUser } from '../policy/policy';

/**
 * Who did something, from where. Routes build it from the request (actorOf); services never see req.
 * `user` is the signed-in person the policy checks; citizens (public pages) have none. `system` marks
 * the server itself and command-line scripts (scheduled jobs, the demo seed), which act outside the
 * capability table and never come from a request.
 */
export interface Actor {
  userId: number | null;
  label: string;
  ip: string | null;
  user?: CurrentUser | null;
  system?: true;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, label: 'system', ip: null, user: null, system: true });
