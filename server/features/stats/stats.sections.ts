import type { StatsSectionSource } from './stats.section';
import { questionsSection } from './stats.section.questions';
import { appointmentsSection } from './stats.section.appointments';
import { walkinsSection } from './stats.section.walkins';
import { loansSection } from './stats.section.loans';
import { escalationsSection } from './stats.section.escalations';
import { surveySection } from './stats.section.survey';

/** Every section of the report, in order. Adding a section: one file, one line here. */
export const STATS_SECTIONS: readonly StatsSectionSource[] = [
  questionsSection,
  appointmentsSection,
  walkinsSection,
  loansSection,
  escalationsSection,
  surveySection,
].sort((a, b) => a.order - b.order);
