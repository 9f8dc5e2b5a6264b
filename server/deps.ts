import type { RequestHandler } from 'express';
import type { Config } from './config';
import type { Db } from './db/open';
import type { Clock } from './lib/clock';
import type { Logger } from './lib/logger';
import { Translations } from './lib/i18n';
import { LOCALES_DIR, STATIC_DIR } from './paths';
import { AssetCatalog } from './http/assets';
import { SqliteSessionStore, createSessionMiddleware } from './http/session';
import { DeferredNotifier } from './realtime/notifier';
import { PublicPageCache } from './http/page-cache';
import { OutboxRepository } from './mail/outbox.repository';
import { OutboxMailer, type Mailer } from './mail/mailer';
import { OutboxSender } from './mail/outbox-sender';
import { FileTransport, SmtpTransport, type MailTransport } from './mail/transport';
import { UsersRepository } from './features/users/users.repository';
import { UsersService } from './features/users/users.service';
import { AuditRepository } from './features/audit/audit.repository';
import { AuditService } from './features/audit/audit.service';
import { SignInThrottleRepository } from './features/auth/sign-in-throttle.repository';
import { AuthService } from './features/auth/auth.service';
import { BranchesRepository } from './features/branches/branches.repository';
import { BranchesService } from './features/branches/branches.service';
import { AppointmentsRepository } from './features/appointments/appointments.repository';
import { AppointmentsService } from './features/appointments/appointments.service';
import { WalkinsRepository } from './features/arrival/walkins.repository';
import { ArrivalService } from './features/arrival/arrival.service';
import { QueueRepository } from './features/queue/queue.repository';
import { QueueService } from './features/queue/queue.service';
import { CategoriesRepository } from './features/categories/categories.repository';
import { CategoriesService } from './features/categories/categories.service';
import { PartnersRepository } from './features/partners/partners.repository';
import { PartnersService } from './features/partners/partners.service';
import { IntakeRepository } from './features/intake/intake.repository';
import { IntakeService } from './features/intake/intake.service';
import { SurveyRepository } from './features/survey/survey.repository';
import { SurveyService } from './features/survey/survey.service';
import { DevicesRepository } from './features/loans/devices.repository';
import { DevicesService } from './features/loans/devices.service';
import { LoansRepository } from './features/loans/loans.repository';
import { LoansService } from './features/loans/loans.service';
import { LoanReminders } from './features/loans/loans.reminders';

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  translations: Translations;
  assets: AssetCatalog;
  sessionStore: SqliteSessionStore;
  sessionMiddleware: RequestHandler;
  notifier: DeferredNotifier;
  pageCache: PublicPageCache;
  outbox: OutboxRepository;
  mailer: Mailer;
  outboxSender: OutboxSender;
  audit: AuditService;
  auth: AuthService;
  users: UsersService;
  branches: BranchesService;
  categories: CategoriesService;
  partners: PartnersService;
  intake: IntakeService;
  survey: SurveyService;
  appointments: AppointmentsService;
  arrival: ArrivalService;
  queue: QueueService;
  devices: DevicesService;
  loans: LoansService;
  loanReminders: LoanReminders;
}

export interface DepsOptions {
  clock: Clock;
  logger: Logger;
  /** Tests pass a transport pointed at their own SMTP server; otherwise chosen from config. */
  mailTransport?: MailTransport;
}

function chooseTransport(config: Config): MailTransport {
  return config.smtpUrl ? new SmtpTransport(config.smtpUrl) : new FileTransport(config.outboxDir);
}

/** Builds every repository and service once, from config and an open, migrated database. */
export function buildDeps(config: Config, db: Db, options: DepsOptions): Deps {
  const { clock, logger } = options;
  const translations = new Translations(LOCALES_DIR);
  const sessionStore = new SqliteSessionStore(db, () => clock.now().getTime());
  const notifier = new DeferredNotifier();
  const outbox = new OutboxRepository(db);
  const senderDomain = new URL(config.baseUrl).hostname || 'localhost';
  const outboxSender = new OutboxSender(outbox, options.mailTransport ?? chooseTransport(config), clock, config.mailFrom, logger);
  const mailer = new OutboxMailer(outbox, translations, clock, config.baseUrl, senderDomain, outboxSender.kick);
  const audit = new AuditService(new AuditRepository(db), clock);
  const usersRepo = new UsersRepository(db);
  const branchesRepo = new BranchesRepository(db);
  const categories = new CategoriesService(new CategoriesRepository(db), audit, clock);
  const partners = new PartnersService(new PartnersRepository(db), audit, clock);
  const branches = new BranchesService(branchesRepo, audit, clock);
  const appointments = new AppointmentsService(new AppointmentsRepository(db), branches, mailer, audit, notifier, clock, {
    baseUrl: config.baseUrl,
    mailFrom: config.mailFrom,
    tokenSecret: config.sessionSecret,
    translations,
    // The queue is built below (it needs this service); by the time a status changes, it exists.
    onStatusChanged: (branchId) => queue.announceDisplay(branchId),
  });
  const walkins = new WalkinsRepository(db);
  const queue = new QueueService(walkins, new QueueRepository(db), branches, appointments, notifier, clock);
  const arrival = new ArrivalService(walkins, branches, queue, appointments, notifier, clock);
  const devicesRepo = new DevicesRepository(db);
  const loansRepo = new LoansRepository(db);
  return {
    config,
    db,
    clock,
    logger,
    translations,
    assets: new AssetCatalog(STATIC_DIR),
    sessionStore,
    sessionMiddleware: createSessionMiddleware(config, sessionStore),
    pageCache: new PublicPageCache({ paths: ['/', '/book'], ttlMs: 5_000, maxEntries: 500, now: () => clock.now().getTime() }),
    notifier,
    outbox,
    mailer,
    outboxSender,
    audit,
    auth: new AuthService(usersRepo, new SignInThrottleRepository(db), audit, clock),
    users: new UsersService(usersRepo, branchesRepo, audit, sessionStore, notifier, clock),
    branches,
    appointments,
    arrival,
    queue,
    categories,
    partners,
    intake: new IntakeService(new IntakeRepository(db), categories, partners, audit, notifier, clock),
    survey: new SurveyService(new SurveyRepository(db), clock),
    devices: new DevicesService(devicesRepo, loansRepo, audit, clock),
    loans: new LoansService(loansRepo, devicesRepo, audit, clock),
    loanReminders: new LoanReminders(loansRepo, branches, mailer, translations, clock),
  };
}
