import type { DeskPanel } from '../desk/desk.panels';
import type { QueueService } from './queue.service';

/**
 * The walk-in and check-in queue on /desk. The live script swaps this panel's HTML when the branch's
 * queue changes; without JavaScript the page is simply reloaded.
 */
export function queueDeskPanel(queue: QueueService, staffIdleMinutes: number): DeskPanel {
  return {
    id: 'queue-panel',
    view: 'queue/_desk-panel',
    order: 5,
    load: (user, branch) => {
      const entries = queue.deskQueue(user, branch);
      return { entries, desks: branch.desks, branchId: branch.id, waiting: entries.filter((e) => e.status === 'waiting').length, idleMinutes: staffIdleMinutes };
    },
    // The socket.io client is served by socket.io itself; desk-live.js refreshes the panels on events.
    scripts: ['/socket.io/socket.io.min.js', 'desk-live.js'],
  };
}
