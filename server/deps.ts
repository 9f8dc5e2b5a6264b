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
import { SecondFactorRepository } from './features/second-factor/second-factor.repository';
import { SecondFactorService } from './features/second-factor/second-factor.service';
import { BranchesRepository } from './features/branches/branches.repository';
import { BranchesService } from './features/branches/branches.service';
import { buildAppointmentsFeature, type AppointmentsFeature } from './features/appointments/appointments.module';
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
import { HealthRepository } from './features/health/health.repository';
import { HealthService } from './features/health/health.service';
import { DevicesRepository } from './features/loans/devices.repository';
import { DevicesService } from './features/loans/devices.service';
import { LoansRepository } from './features/loans/loans.repository';
import { LoansService } from './features/loans/loans.service';
import { LoanReminders } from './features/loans/loans.reminders';
import { RetentionRepository } from './features/privacy/retention.repository';
import { RetentionService } from './features/privacy/retention.service';
import { PurgeRepository } from './features/privacy/purge.repository';
import { PurgeService } from './features/privacy/purge.service';
import { SubjectsRepository } from './features/privacy/subjects.repository';
import { SubjectsService } from './features/privacy/subjects.service';
import { EscalationsRepository } from './features/escalations/escalations.repository';
import { EscalationsService } from './features/escalations/escalations.service';
import { EscalationSettingsRepository, EscalationSettingsService } from './features/escalations/escalations.settings';
import { ChatRepository } from './features/escalations/chat.repository';
import { ChatService } from './features/escalations/chat.service';
import { StatsRepository } from './features/stats/stats.repository';
import { StatsService } from './features/stats/stats.service';
import { StatsExportRepository } from './features/stats/stats.export.repository';
import { StatsExportService } from './features/stats/stats.export.service';
import { StatsMailRepository } from './features/stats/stats.mail.repository';
import { StatsMailService } from './features/stats/stats.mail.service';
import { MonthlyStatsReports } from './features/stats/stats.monthly-report';
import { RequestContext } from './lib/request-context';
import { DeskPcsRepository } from './features/desk-pcs/desk-pcs.repository';
import { DeskPcsService } from './features/desk-pcs/desk-pcs.service';
import { QuickSwitchService } from './features/desk-pcs/quick-switch.service';
import { PinThrottle } from './features/desk-pcs/pin-throttle';
import { WaitlistRepository } from './features/waitlist/waitlist.repository';
import { WaitlistService } from './features/waitlist/waitlist.service';

export interface Deps extends AppointmentsFeature {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  health: HealthService;
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
  secondFactor: SecondFactorService;
  users: UsersService;
  branches: BranchesService;
  categories: CategoriesService;
  partners: PartnersService;
  intake: IntakeService;
  survey: SurveyService;
  arrival: ArrivalService;
  queue: QueueService;
  devices: DevicesService;
  loans: LoansService;
  loanReminders: LoanReminders;
  retention: RetentionService;
  purge: PurgeService;
  subjects: SubjectsService;
  escalations: EscalationsService;
  escalationSettings: EscalationSettingsService;
  chat: ChatService;
  stats: StatsService;
  statsExport: StatsExportService;
  statsMail: StatsMailService;
  monthlyStatsReports: MonthlyStatsReports;
  requestContext: RequestContext;
  deskPcs: DeskPcsService;
  quickSwitch: QuickSwitchService;
  waitlist: WaitlistService;
}

/**
 * What a router or desk panel receives: everything but the database. Routes reach data through services
 * (routes → service → repository → database), so the compiler refuses `deps.db` in a route.
 */
export type RouteDeps = Omit<Deps, 'db'>;

export interface DepsOptions {
  clock: Clock;
  logger: Logger;
  /** Tests pass a transport pointed at their own SMTP server; otherwise chosen from config. */
  mailTransport?: MailTransport;
  /** Tests pass a copy of locales/ with a message taken out; otherwise the shipped locales. */
  localesDir?: string;
}

function chooseTransport(config: Config): MailTransport {
  return config.smtpUrl ? new SmtpTransport(config.smtpUrl) : new FileTransport(config.outboxDir);
}

/** Builds every repository and service once, from config and an open, migrated database. */
export function buildDeps(config: Config, db: Db, options: DepsOptions): Deps {
  const { clock, logger } = options;
  // A missing message fails loudly in development and tests; in production the page still renders.
  const translations = new Translations(options.localesDir ?? LOCALES_DIR, { onMissing: config.env === 'production' ? 'warn' : 'throw', logger });
  const sessionStore = new SqliteSessionStore(db, () => clock.now().getTime());
  const notifier = new DeferredNotifier();
  const outbox = new OutboxRepository(db);
  const senderDomain = new URL(config.baseUrl).hostname || 'localhost';
  const outboxSender = new OutboxSender(outbox, options.mailTransport ?? chooseTransport(config), clock, config.mailFrom, logger);
  const mailer = new OutboxMailer(outbox, translations, clock, {
    baseUrl: config.baseUrl,
    senderDomain,
    cacheTemplates: config.env === 'production',
    onEnqueued: outboxSender.kick,
    // The footer's Digihulplijn number, as configured (escalationSettings is built below, before any mail).
    sharedLocals: () => ({ helpline: escalationSettings.helpline() }),
  });
  // Facts of the request being served (its desk PC) that every audit row records.
  const requestContext = new RequestContext();
  const audit = new AuditService(new AuditRepository(db), clock, requestContext);
  const usersRepo = new UsersRepository(db);
  const branchesRepo = new BranchesRepository(db);
  const categories = new CategoriesService(new CategoriesRepository(db), audit, clock);
  const partners = new PartnersService(new PartnersRepository(db), audit, clock);
  // More desks or hours may free time for someone on the waitlist (built below; only called later).
  const branches = new BranchesService(branchesRepo, audit, clock, (branchId) => waitlist.slotFreed(branchId));
  const waitlistRepo = new WaitlistRepository(db);
  const appointmentsFeature = buildAppointmentsFeature({
    db,
    branches,
    mailer,
    audit,
    notifier,
    clock,
    translations,
    baseUrl: config.baseUrl,
    mailFrom: config.mailFrom,
    tokenSecret: config.sessionSecret,
    // The queue is built below (it needs this feature); by the time a status changes, it exists.
    onStatusChanged: (branchId) => queue.announceDisplay(branchId),
    // Open waitlist offers hold their slot; a freed slot goes to the first matching person (built below).
    holds: waitlistRepo,
    onSlotFreed: (branchId) => waitlist.slotFreed(branchId),
  });
  const waitlist = new WaitlistService(
    waitlistRepo,
    appointmentsFeature.availability,
    appointmentsFeature.booking,
    mailer,
    translations,
    audit,
    clock,
    config.baseUrl,
    logger,
  );
  const { appointments, appointmentStatus } = appointmentsFeature;
  const walkins = new WalkinsRepository(db);
  // The queue asks the policy (desk.use) for a booking's branch itself, and its public display only counts.
  const queue = new QueueService(
    walkins,
    new QueueRepository(db),
    branches,
    {
      findById: (id) => appointments.findById(id),
      listDay: (branchId, date) => appointments.dayOfBranch(branchId, date),
      markInProgress: (actor, id) => appointmentStatus.markInProgress(actor, id),
    },
    notifier,
    clock,
  );
  // The kiosk checks a visitor in by the booking code they typed: no signed-in person, the code is the proof.
  const arrival = new ArrivalService(
    walkins,
    branches,
    queue,
    { findByCode: (code) => appointments.findByCode(code), markArrived: (actor, id) => appointmentStatus.checkInAtKiosk(actor, id) },
    notifier,
    clock,
  );
  const devicesRepo = new DevicesRepository(db);
  const loansRepo = new LoansRepository(db);
  const retention = new RetentionService(new RetentionRepository(db), audit, clock, config.mailFrom);
  // Accept, transfer and close write a system line into the conversation (the chat feature's appendSystem).
  const chat = new ChatService(new ChatRepository(db), notifier, clock);
  // A saved Digihulplijn number must not wait out the public page cache (the start page and /book print it).
  const pageCache = new PublicPageCache({ paths: ['/', '/book'], ttlMs: 5_000, maxEntries: 500, now: () => clock.now().getTime() });
  const escalationSettings = new EscalationSettingsService(new EscalationSettingsRepository(db), audit, clock, () => pageCache.clear());
  const escalations = new EscalationsService(new EscalationsRepository(db), audit, notifier, clock, translations.translator('nl'), chat, () => escalationSettings.current());
  const stats = new StatsService(new StatsRepository(db), translations, clock);
  const statsMailRepo = new StatsMailRepository(db);
  const signInThrottle = new SignInThrottleRepository(db);
  const auth = new AuthService(usersRepo, signInThrottle, audit, clock);
  const deskPcsRepo = new DeskPcsRepository(db);
  const secondFactor = new SecondFactorService(new SecondFactorRepository(db), usersRepo, signInThrottle, audit, sessionStore, notifier, clock);
  return {
    config,
    db,
    clock,
    logger,
    health: new HealthService(new HealthRepository(db), outbox),
    translations,
    assets: new AssetCatalog(STATIC_DIR),
    sessionStore,
    sessionMiddleware: createSessionMiddleware(config, sessionStore),
    pageCache,
    notifier,
    outbox,
    mailer,
    outboxSender,
    audit,
    auth,
    secondFactor,
    users: new UsersService(usersRepo, branchesRepo, audit, sessionStore, notifier, clock),
    branches,
    ...appointmentsFeature,
    arrival,
    queue,
    categories,
    partners,
    intake: new IntakeService(new IntakeRepository(db), categories, partners, audit, notifier, clock),
    survey: new SurveyService(new SurveyRepository(db), clock),
    devices: new DevicesService(devicesRepo, loansRepo, audit, clock),
    loans: new LoansService(loansRepo, devicesRepo, audit, clock),
    loanReminders: new LoanReminders(loansRepo, branches, mailer, translations, clock),
    retention,
    purge: new PurgeService(new PurgeRepository(db), retention, audit, clock, () => sessionStore.purgeExpired()),
    subjects: new SubjectsService(new SubjectsRepository(db), audit, clock),
    escalations,
    escalationSettings,
    chat,
    stats,
    statsExport: new StatsExportService(stats, new StatsExportRepository(db), audit, translations),
    statsMail: new StatsMailService(statsMailRepo, audit, clock),
    monthlyStatsReports: new MonthlyStatsReports({
      repo: statsMailRepo,
      reports: stats,
      mailer,
      audit,
      translator: (lang) => translations.translator(lang),
      currentUser: (id) => auth.currentUser(id),
      clock,
    }),
    requestContext,
    deskPcs: new DeskPcsService(deskPcsRepo, audit, clock, sessionStore, notifier),
    quickSwitch: new QuickSwitchService(deskPcsRepo, new PinThrottle(signInThrottle, clock), audit, clock, (id) => auth.currentUser(id), (userId, code, ip) => secondFactor.verifySignIn(userId, code, ip).kind === 'ok'),
    waitlist,
  };
}
