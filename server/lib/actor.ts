/** Who did something, from where. Routes build it from the request; services never see req. */
export interface Actor {
  userId: number | null;
  label: string;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'system', ip: null };
