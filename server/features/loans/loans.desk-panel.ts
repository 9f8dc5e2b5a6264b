import type { DeskPanel } from '../desk/desk.panels';
import { may } from '../../policy/policy';
import type { LoansService } from './loans.service';

/**
 * Loans on the desk: devices due back today, the overdue count, devices waiting for a wipe and today's
 * reservation pick-ups. Counts only, no names, so the desk shows no borrower's personal data.
 */
export function loansDeskPanel(loans: LoansService): DeskPanel {
  return {
    id: 'loans',
    view: 'loans/_desk-panel',
    order: 30,
    load: (user, branch) => {
      if (!may(user, 'loans.manage', branch.id)) return { counts: null };
      return { counts: loans.counts({ userId: user.id, label: user.email, ip: null, user }, branch.id) };
    },
  };
}
