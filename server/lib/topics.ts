/**
 * The plain-language help topics a citizen picks when booking and when taking a walk-in number. One list,
 * so statistics can line bookings and walk-ins up. Ordered as people most often need them (SPEC §1: DigiD
 * first, then devices, then municipal services).
 */
export const HELP_TOPICS = ['digid', 'taxes', 'allowances', 'device', 'municipality', 'other'] as const;
export type HelpTopic = (typeof HELP_TOPICS)[number];
