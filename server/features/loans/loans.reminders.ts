import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { PeriodicJob } from '../../lib/periodic-job';
import type { Translations } from '../../lib/i18n';
import { addDays, formatLocal, localDate } from '../../lib/time';
import type { ComposedMail, Mailer } from '../../mail/mailer';
import type { BranchesService } from '../branches/branches.service';
import type { LoansRepository } from './loans.repository';
import type { LoanView } from './loans.model';

/** A due-soon e-mail goes out when the due date is at most this many days away. */
export const DUE_SOON_DAYS = 2;

/**
 * Due-soon and overdue e-mails for borrowers with an e-mail address, each sent once per loan (and once
 * more after a renewal, which clears the marks). The claim (due_soon_sent_at / overdue_sent_at set only if
 * still empty) and the outbox row commit in one transaction, so two schedulers, or a restart halfway,
 * never send one twice. Borrowers without e-mail are on the printable call list instead.
 * Acts as the server itself (no person): it is not asked through the policy.
 */
export class LoanReminders {
  constructor(
    private readonly repo: LoansRepository,
    private readonly branches: BranchesService,
    private readonly mailer: Mailer,
    private readonly translations: Translations,
    private readonly clock: Clock,
  ) {}

  sendDue(limit = 100): number {
    const today = localDate(this.clock.now());
    const nowIso = this.clock.now().toISOString();
    let sent = 0;
    for (const loan of this.repo.reminderCandidates(today, addDays(today, DUE_SOON_DAYS), limit)) {
      const kind = loan.dueDate < today ? 'overdue' : 'due_soon';
      // Compose (templates, EJS) before the write transaction; inside it only the claim and the outbox row.
      const mail = this.compose(loan, kind);
      const done = this.repo.immediate(() => {
        if (!this.repo.claimReminder(loan.id, kind, nowIso)) return false;
        this.mailer.enqueueComposed(mail);
        return true;
      });
      if (done) sent++;
    }
    return sent;
  }

  private compose(loan: LoanView, kind: 'overdue' | 'due_soon'): ComposedMail {
    // The borrower's own choice when lending (Dutch unless they chose another). The texts live in the public
    // namespace loan-mail, written in all six citizen languages; the device name is the form used mid-sentence.
    const lang = loan.borrowerLanguage;
    const t = this.translations.translator(lang);
    const branch = this.branches.get(loan.branchId);
    const device = t(`loan-mail.device.${loan.deviceType}`);
    const date = formatLocal(new Date(`${loan.dueDate}T12:00:00Z`), 'dddd D MMMM', lang);
    const params = { name: loan.borrowerName, device, date, tag: loan.assetTag, branch: branch.name, phone: branch.phone || '-' };
    return this.mailer.compose({
      to: loan.borrowerContact,
      template: 'notice',
      lang,
      subjectKey: `loan-mail.${kind}.subject`,
      subjectParams: { device, date },
      data: {
        heading: t(`loan-mail.${kind}.heading`, params),
        paragraphs: [t(`loan-mail.${kind}.body`, params), t('loan-mail.where', params), t('loan-mail.renew', params)],
      },
      related: { type: `loan_${kind}`, id: loan.id },
    });
  }
}

/** The scheduler: state lives in the database (the sent marks on each loan), so a restart simply carries on. */
export class LoanReminderJob extends PeriodicJob {
  constructor(reminders: LoanReminders, logger: Logger) {
    super('loan reminders', () => reminders.sendDue(), logger);
  }

  override start(intervalMs = 10 * 60_000): void {
    super.start(intervalMs);
  }
}
