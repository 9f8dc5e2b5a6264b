import type { StatsSectionSource } from './stats.section';
import { questionsSection } from './stats.section.questions';

/** Every section of the report, in order. Adding a section: one file, one line here. */
export const STATS_SECTIONS: readonly StatsSectionSource[] = [questionsSection].sort((a, b) => a.order - b.order);
