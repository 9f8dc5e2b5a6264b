import express, { type Express } from 'express';
import { constants as zlibConstants } from 'node:zlib';
import compression from 'compression';
import pinoHttp from 'pino-http';
import { HTTP_LOG_SERIALIZERS } from './lib/logger';
import type { Deps } from './deps';
import { VIEWS_DIR } from './paths';
import { securityHeaders } from './http/security';
import { ejsViewEngine } from './http/view-engine';
import { templateLocals } from './http/locals';
import { sessionGuard } from './http/session-guard';
import { kioskMode } from './http/kiosk';
import { createCsrf } from './http/csrf';
import { errorHandler, notFound } from './http/error-handler';
import { healthRouter } from './features/health/health.routes';
import { homeRouter } from './features/home/home.routes';
import { authRouter } from './features/auth/auth.routes';
import { usersRouter } from './features/users/users.routes';
import { branchesRouter } from './features/branches/branches.routes';
import { auditRouter } from './features/audit/audit.routes';
import { outboxRouter } from './features/outbox/outbox.routes';
import { deskRouter } from './features/desk/desk.routes';
import type { DeskPanel } from './features/desk/desk.panels';
import { arrivalRouter } from './features/arrival/arrival.routes';
import { queueRouter } from './features/queue/queue.routes';
import { queueDeskPanel } from './features/queue/queue.panel';
import { adminRouter, type AdminSection } from './features/admin/admin.routes';
import { intakeRouter } from './features/intake/intake.routes';
import { intakeDeskPanel } from './features/intake/intake.panel';
import { categoriesRouter, categoriesAdminSection } from './features/categories/categories.routes';
import { partnersRouter, partnersAdminSection } from './features/partners/partners.routes';
import { surveyRouter } from './features/survey/survey.routes';
import { bookingRouter } from './features/appointments/booking.routes';
import { appointmentsRouter } from './features/appointments/appointments.routes';
import { appointmentsDeskPanel } from './features/appointments/appointments.desk-panel';
import { devicesRouter } from './features/loans/devices.routes';
import { loansRouter } from './features/loans/loans.routes';
import { chatRouter } from './features/escalations/chat.routes';
import { statsRouter } from './features/stats/stats.routes';
import { statsExportRouter } from './features/stats/stats.export.routes';
import { statsMailRouter } from './features/stats/stats.mail.routes';
import { loansDeskPanel } from './features/loans/loans.desk-panel';
import { privacyRouter, retentionAdminSection } from './features/privacy/privacy.routes';
import { subjectsRouter, subjectsAdminSection } from './features/privacy/subjects.routes';
import { escalationsRouter } from './features/escalations/escalations.routes';
import { waitlistRouter } from './features/waitlist/waitlist.routes';
import { escalationSettingsAdminSection, escalationSettingsRouter } from './features/escalations/escalations.settings.routes';
import { secondFactorAdminSection, secondFactorRouter } from './features/second-factor/second-factor.routes';
import { escalationsDeskPanel } from './features/escalations/escalations.panel';
import { deskPcContext, deskPcsAdminSection, deskPcsRouter } from './features/desk-pcs/desk-pcs.routes';

/** Builds the Express app from its dependencies. It never listens; main.ts and tests do that. */
export function createApp(deps: Deps): Express {
  const app = express();
  const { config } = deps;

  // Express reads NODE_ENV from the process for its own fallbacks; make it follow our config instead.
  app.set('env', config.env === 'production' ? 'production' : 'development');
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  app.set('view engine', 'ejs');
  // EJS templates with a cheaper include (resolved once, locals not copied): see http/view-engine.ts.
  app.engine('ejs', ejsViewEngine());
  app.set('views', VIEWS_DIR);
  app.set('view cache', config.env === 'production');
  app.set('query parser', 'simple');

  // pino-http writes its lines at info only; above that (LOG_LEVEL=warn) it would still build a child logger
  // with the serialised request for every request (3–4 % of a staff page's CPU) and then drop every line.
  if (deps.logger.isLevelEnabled('info')) {
    app.use(pinoHttp({ logger: deps.logger, serializers: HTTP_LOG_SERIALIZERS, autoLogging: { ignore: (req) => req.url === '/healthz' } }));
  }
  app.use(securityHeaders(config));
  // Brotli quality 1 for pages (the package's default is 4; it was 3 here): every staff page is compressed on
  // every request. Measured on this machine through the zlib stream, for /account/password (3.8 KB) and the
  // devices page (6 KB): q3 0.20–0.30 ms, q1 0.08–0.09 ms, for 5 % more bytes (1,619 instead of 1,542;
  // 2,452 instead of 2,304), about what gzip gives. Static assets keep quality 3 (the stylesheet would grow
  // 13 % at q1, on every first view): browsers keep them a year, so they are compressed once per visitor.
  const brotli = (quality: number): compression.CompressionOptions => ({ brotli: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality } } });
  // No session, no body parsing for these: fast and cacheable.
  app.use('/static', compression(brotli(3)), deps.assets.middleware());
  app.use(compression(brotli(1)));
  app.use(healthRouter(deps.health));
  // Remembers anonymous renders of the start page and first booking steps; main.ts serves them before Express.
  app.use(deps.pageCache.capture());

  app.use(express.urlencoded({ extended: false, limit: config.bodyLimit, parameterLimit: 200 }));
  app.use(deps.sessionMiddleware);
  app.use(templateLocals(deps));
  app.use(sessionGuard(deps));
  app.use(deskPcContext(deps, deps.requestContext));
  app.use(kioskMode);
  const csrf = createCsrf();
  app.use(csrf.protect);

  // Panels on /desk, one per feature (see server/features/desk/desk.panels.ts).
  const deskPanels: DeskPanel[] = [intakeDeskPanel(deps), queueDeskPanel(deps.queue, deps.config.staffIdleMinutes), appointmentsDeskPanel(deps.appointments, deps.clock), loansDeskPanel(deps.loans)];
  deskPanels.push(escalationsDeskPanel(deps.escalations, () => deps.categories.taxonomy()));
  // Extra sections on the /admin index, one per feature (see server/features/admin/admin.routes.ts).
  const adminSections: AdminSection[] = [categoriesAdminSection, partnersAdminSection, retentionAdminSection, subjectsAdminSection, escalationSettingsAdminSection, deskPcsAdminSection];
  adminSections.push(secondFactorAdminSection);

  // Feature routers: one folder, one URL prefix each.
  app.use(homeRouter(deps));
  app.use(authRouter(deps, csrf));
  app.use(secondFactorRouter(deps));
  app.use(adminRouter(deps, adminSections));
  app.use('/admin/users', usersRouter(deps));
  app.use('/admin/branches', branchesRouter(deps));
  app.use('/admin/audit', auditRouter(deps));
  app.use('/admin/outbox', outboxRouter(deps));
  app.use(deskRouter(deps, deskPanels));
  app.use('/intake', intakeRouter(deps));
  app.use('/admin/categories', categoriesRouter(deps));
  app.use('/admin/partners', partnersRouter(deps));
  app.use(surveyRouter(deps));
  app.use(bookingRouter(deps));
  app.use(appointmentsRouter(deps));
  app.use(arrivalRouter(deps));
  app.use(queueRouter(deps));
  app.use(devicesRouter(deps));
  app.use(loansRouter(deps));
  app.use(privacyRouter(deps));
  app.use(subjectsRouter(deps));
  app.use(escalationsRouter(deps));
  app.use(escalationSettingsRouter(deps));
  app.use(chatRouter(deps));
  app.use(statsRouter(deps));
  app.use(statsExportRouter(deps));
  app.use(statsMailRouter(deps));
  app.use(deskPcsRouter(deps, csrf));
  app.use(waitlistRouter(deps));

  app.use(notFound);
  app.use(errorHandler(deps));
  return app;
}
