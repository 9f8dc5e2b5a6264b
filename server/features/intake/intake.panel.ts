import type { RouteDeps } from '../../deps';
import type { DeskPanel } from '../desk/desk.panels';
import { labelOf } from '../categories/taxonomy';

/** Newest registrations shown on the desk; the full list is one link away. */
const RECENT_LIMIT = 8;

/** The tally grid and today's last registrations at the branch, on /desk. */
export function intakeDeskPanel(deps: RouteDeps): DeskPanel {
  return {
    id: 'intake',
    view: 'intake/_desk-panel',
    order: 10,
    load: (user, branch) => {
      const now = deps.clock.now();
      const recent = deps.intake.list(user, branch.id, 'today', RECENT_LIMIT);
      return {
        tiles: deps.intake.tilesFor(branch.id),
        recent,
        undoable: recent.filter((q) => deps.intake.isUndoable(q, user.id, now)).map((q) => q.id),
        tax: deps.categories.taxonomy(),
        labelOf,
      };
    },
  };
}
