import { NotFoundError } from '../../http/errors';
import type { Clock } from '../../lib/clock';
import type { Translations } from '../../lib/i18n';
import type { Actor } from '../../lib/actor';
import { localDate, toStored } from '../../lib/time';
import { assertActorMay, branchIdsFor } from '../../policy/policy';
import type { StatsRepository } from './stats.repository';
import type { StatsQuery, StatsReport, StatsScope } from './stats.report';
import { periodDates } from './stats.query';
import type { StatsSectionSource } from './stats.section';
import { STATS_SECTIONS } from './stats.sections';

/**
 * Builds the statistics report every consumer reads (page, print view, exports, monthly mail). The branch
 * scope is decided here, through the policy, so no route or script can widen it: one branch the person may
 * read, or every branch they may read (admins and the system: all branches).
 */
export class StatsService {
  constructor(
    private readonly repo: StatsRepository,
    private readonly translations: Translations,
    private readonly clock: Clock,
    private readonly sections: readonly StatsSectionSource[] = STATS_SECTIONS,
  ) {}

  report(actor: Actor, query: StatsQuery, lang: string): StatsReport {
    const scope: StatsScope = { ...periodDates(query), branchIds: this.branchIds(actor, query.branchId), today: localDate(this.clock.now()) };
    const t = this.translations.translator(lang);
    const sections = this.sections.map((s) => s.build(this.repo, scope, t, lang)).filter((s) => s !== null);
    return { query, scope, generatedAt: toStored(this.clock.now()), lang, sections };
  }

  /** The branches counted: the one asked for (checked), or all the person may read. */
  private branchIds(actor: Actor, branchId: number | null): number[] {
    assertActorMay(actor, 'stats.read', branchId ?? undefined);
    const all = this.repo.allBranchIds();
    if (branchId !== null) {
      if (!all.includes(branchId)) throw new NotFoundError();
      return [branchId];
    }
    const allowed = actor.system || !actor.user ? null : branchIdsFor(actor.user, 'stats.read');
    return allowed === null ? all : all.filter((id) => allowed.includes(id));
  }
}
