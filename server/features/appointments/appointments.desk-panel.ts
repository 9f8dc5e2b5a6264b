import type { DeskPanel } from '../desk/desk.panels';
import type { Clock } from '../../lib/clock';
import { localDate } from '../../lib/time';
import type { AppointmentsService } from './appointments.service';

/** Today's appointments at the desk's branch, with their status and quick status buttons. */
export function appointmentsDeskPanel(appointments: AppointmentsService, clock: Clock): DeskPanel {
  return {
    id: 'appointments-today',
    view: 'appointments/_desk-panel',
    order: 8,
    load: (user, branch) => {
      // Asked as the person at the desk, so the policy decides here too (appointments.manage in this branch).
      const actor = { userId: user.id, label: user.email, ip: null, user };
      return { list: appointments.listDay(actor, branch.id, localDate(clock.now())).filter((a) => a.status !== 'cancelled') };
    },
  };
}
