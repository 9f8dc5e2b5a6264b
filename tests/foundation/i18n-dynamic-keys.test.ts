import { LANGUAGES, PUBLIC_NAMESPACES, STAFF_LANGUAGES, Translations } from '../../server/lib/i18n';
import { LOCALES_DIR } from '../../server/paths';
import { ROLES } from '../../server/policy/capabilities';
import { HELP_TOPICS } from '../../server/lib/topics';
import type { AppointmentStatus } from '../../server/features/appointments/appointments.model';
import { WALKIN_TOPICS, type WalkinStatus } from '../../server/features/arrival/walkins.repository';
import { TAXONOMY_KINDS } from '../../server/features/categories/categories.model';
import { PARTNER_KINDS } from '../../server/features/partners/partners.model';
import { OUTBOX_STATUSES } from '../../server/features/outbox/outbox.service';
import { STAFFING_MODELS, WEEKDAYS } from '../../server/features/branches/branches.schema';
import { SURVEY_QUESTIONS } from '../../server/features/survey/survey.model';
import type { PersonalDataKind } from '../../server/features/intake/personal-data';
import { classify, titleStatus } from '../../server/http/error-handler';

/**
 * Views build some keys from data: t('roles.' + user.role), t('booking.topics.' + topic). A page test only
 * meets the values its data happens to hold, so here every value the code can produce is asked for in every
 * shipped language; the translator throws outside production when one is missing. The `satisfies` lists fail
 * the type check when a status or kind is added to its type and not here.
 */

const APPOINTMENT_STATUSES = Object.keys({
  booked: 1,
  arrived: 1,
  in_progress: 1,
  done: 1,
  no_show: 1,
  cancelled: 1,
} satisfies Record<AppointmentStatus, 1>);
/** The desk panel shows "called" with its desk number under its own key; these are the rest. */
const PANEL_STATUSES = ['waiting', 'in_progress'] satisfies WalkinStatus[];
const PERSONAL_DATA = Object.keys({ bsn: 1, email: 1, phone: 1, iban: 1 } satisfies Record<PersonalDataKind, 1>);
const ERROR_STATUSES = [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 503];

const dynamicKeys: string[] = [
  ...ROLES.flatMap((r) => [`roles.${r}`, `users.role_help.${r}`]),
  ...HELP_TOPICS.map((k) => `booking.topics.${k}`),
  ...WALKIN_TOPICS.flatMap((k) => [`arrival.topics.${k}`, `arrival.walkin.tiles.${k}`]),
  ...['interpreter', 'wheelchair', 'hearingLoop', 'otherLanguage'].map((k) => `booking.details.needs.${k}`),
  ...['id', 'phone', 'login', 'letters', 'glasses'].map((k) => `appointments.card.bring.${k}`),
  ...APPOINTMENT_STATUSES.map((s) => `appointments.status.${s}`),
  ...['arrived', 'no_show', 'done'].map((s) => `appointments.staff.${s}`),
  ...['arrived', 'in_progress', 'no_show', 'done'].map((s) => `appointments.staff.flash_${s}`),
  ...['called', 'started', 'done', 'no_show'].map((s) => `queue.flash.${s}`),
  ...PANEL_STATUSES.map((s) => `queue.panel.status_${s}`),
  ...['walkin', 'appointment'].map((k) => `queue.display.${k}`),
  ...TAXONOMY_KINDS.map((k) => `categories.kinds.${k}`),
  ...['up', 'down'].map((d) => `categories.${d}`),
  ...PARTNER_KINDS.map((k) => `partners.kinds.${k}`),
  ...OUTBOX_STATUSES.map((s) => `outbox.status.${s}`),
  ...STAFFING_MODELS.map((m) => `branches.staffing.${m}`),
  ...['yes', 'no'].map((v) => `branches.inside_library.${v}`),
  ...['opens', 'closes'].map((e) => `branches.hours.${e}`),
  ...['details', 'hours', 'closures'].map((k) => `branches.tabs.${k}`),
  ...WEEKDAYS.map((d) => `weekdays.${d}`),
  ...SURVEY_QUESTIONS.flatMap((q) => [`survey.questions.${q}`, ...[1, 2, 3, 4, 5].map((s) => `survey.scores.${q}.${s}`)]),
  ...PERSONAL_DATA.map((k) => `intake.errors.note_${k}`),
  ...ERROR_STATUSES.flatMap((status) => [`errors.${titleStatus(status)}.title`, classify({ status }).key]),
];

describe('keys built from data', () => {
  const translations = new Translations(LOCALES_DIR, { onMissing: 'throw' });
  const languages = LANGUAGES.map((l) => l.code);

  test.each(languages)('every key the code can build exists in %s', (lang) => {
    const t = translations.translator(lang);
    // Arabic, Turkish, Polish and Ukrainian cover the public namespaces; staff pages show Dutch in them.
    const publicOnly = !STAFF_LANGUAGES.has(lang);
    const keys = dynamicKeys.filter((key) => !publicOnly || (PUBLIC_NAMESPACES as readonly string[]).includes(key.split('.')[0]));
    const missing = keys.filter((key) => {
      try {
        t(key);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toEqual([]);
  });
});
