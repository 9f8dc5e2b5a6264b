import fs from 'node:fs';
import path from 'node:path';
import { Translations } from '../../lib/i18n';
import { LOCALES_DIR } from '../../paths';
import { createBranch, createTestApp, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { actionKey } from './audit.present';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { TEST_TOTP_SECRET } from '../../../tests/helpers/second-factor';

/**
 * Every action code the server writes (`action: '…'`, `action: cond ? '…' : '…'` and the appointment status
 * helper's `this.change(actor, id, '…')`), collected from the source so a new code without a name fails here.
 */
function auditActionsInCode(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.test.ts')) {
        const source = fs.readFileSync(file, 'utf8');
        for (const m of source.matchAll(/\baction:\s*([^,\n{}]+)|this\.change\([^,]+,[^,]+,\s*('[^']+')/g)) {
          for (const literal of (m[1] ?? m[2] ?? '').matchAll(/'([a-z_]+(?:\.[a-z_]+)*)'/g)) found.set(literal[1]!, file);
        }
      }
    }
  };
  walk(path.join(__dirname, '../..'));
  return found;
}

describe('audit event names', () => {
  const translations = new Translations(LOCALES_DIR);
  const codes = auditActionsInCode();

  test('the collector finds the codes the server writes (so an empty list cannot pass)', () => {
    expect(codes.size).toBeGreaterThan(60);
    for (const code of ['sign_in.succeeded', 'sign_out', 'appointment.no_show', 'user.disabled', 'stats.report_mail.subscribed']) {
      expect(codes.has(code)).toBe(true);
    }
  });

  test.each(['nl', 'en'])('every action code has a name in %s', (lang) => {
    const t = translations.translator(lang);
    const missing = [...codes].filter(([code]) => !t.has(actionKey(code))).map(([code, file]) => `${code} (${path.relative(process.cwd(), file)})`);
    expect(missing).toEqual([]);
  });
});

describe('/admin/audit on a seeded log', () => {
  let t: TestApp;
  afterEach(() => t.close());

  test('Dutch event names, names instead of ids, "burger" for citizens, details as label and value', async () => {
    t = createTestApp();
    t.clock.set('2026-03-02T09:00:00Z');
    const branch = createBranch(t.deps, { name: 'Bibliotheek Zuidwijk' });
    const adminId = await t.deps.users.ensure({ userId: null, label: 'system', ip: null, system: true }, { email: 'anna@bieb.nl', name: 'Anna de Vries', role: 'admin', branchIds: [] }, 'demo-demo-demo');
    // An admin signs in with a second factor (issue #14); the sign-in helper answers it with the test secret.
    t.deps.secondFactor.enrolWithSecret(SYSTEM_ACTOR, adminId, TEST_TOTP_SECRET);
    await t.deps.users.ensure({ userId: null, label: 'system', ip: null, system: true }, { email: 'piet@bieb.nl', name: 'Piet Bakker', role: 'volunteer', branchIds: [branch] }, 'demo-demo-demo');
    const citizen = { userId: null, label: 'public', ip: '10.0.0.1' };
    t.deps.audit.record(citizen, { action: 'appointment.booked', subjectType: 'appointment', subjectId: 41, branchId: branch, details: { channel: 'online', date: '2026-03-05', time: '10:00' } });
    t.deps.audit.record({ userId: adminId, label: 'anna@bieb.nl', ip: null }, { action: 'branch.hours_changed', subjectType: 'branch', subjectId: branch, branchId: branch, details: { from: '2026-03-01T08:00:00.000Z' } });

    const admin = await signedIn(t, 'anna@bieb.nl');
    const res = await admin.get('/admin/audit');
    expect(res.status).toBe(200);
    const text = res.text;
    expect(text).toContain('<td>Ingelogd</td>');
    expect(text).toContain('<td>Afspraak gemaakt</td>');
    expect(text).toContain('<td>Openingstijden gewijzigd</td>');
    expect(text).toContain('Anna de Vries');
    expect(text).toContain('Bibliotheek Zuidwijk');
    expect(text).toContain('<td>burger</td>');
    expect(text).toContain('<dt>Datum</dt><dd>5 mrt 2026</dd>');
    expect(text).toContain('<dt>Kanaal</dt>');
    // The medewerker created by the seed is shown by name, not "user 2".
    expect(text).toContain('medewerker Piet Bakker');
    expect(text).not.toMatch(/sign_in\.succeeded<|>sign_in\.succeeded/);
    expect(text).not.toMatch(/\buser \d/);
    expect(text).not.toMatch(/\bbranch \d/);
    expect(text).not.toContain('>public<');
    expect(text).not.toContain('{&#34;');
    // The filter lists the same names.
    expect(text).toContain('<option value="sign_in.succeeded">Ingelogd</option>');
    expect(text).toContain('<option value="branch">locatie</option>');
    expect(text).toContain('<option value="anna@bieb.nl">Anna de Vries</option>');
    expect(text).toContain('<option value="public">burger</option>');
  });
});
