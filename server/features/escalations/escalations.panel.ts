import type { DeskPanel } from '../desk/desk.panels';
import { labelOf, type Taxonomy } from '../categories/taxonomy';
import { may } from '../../policy/policy';
import type { EscalationsService } from './escalations.service';

/**
 * The branch's open escalations on /desk, with their state and place in the queue. desk-live.js swaps
 * the panel when an 'escalation:updated' event arrives; without JavaScript the desk is reloaded.
 */
export function escalationsDeskPanel(escalations: EscalationsService, taxonomy: () => Taxonomy): DeskPanel {
  return {
    id: 'escalations-panel',
    view: 'escalations/_desk-panel',
    order: 15,
    load: (user, branch) => {
      const tax = taxonomy();
      const categoryOf = (e: { organisationId: number; topicId: number | null }, lang: string): string =>
        [labelOf(tax.get(e.organisationId), lang), labelOf(tax.get(e.topicId), lang)].filter(Boolean).join(' – ');
      if (!may(user, 'escalations.start', branch.id)) return { open: [], allowed: false, categoryOf };
      const overview = escalations.branchOverview({ userId: user.id, label: user.email, ip: null, user }, branch.id);
      return { open: overview.open, allowed: true, categoryOf };
    },
    scripts: ['/socket.io/socket.io.min.js', 'desk-live.js'],
  };
}
