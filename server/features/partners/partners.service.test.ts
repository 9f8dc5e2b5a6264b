import { createTestApp, createBranch, createUser, type TestApp } from '../../../tests/helpers/test-app';
import type { Actor } from '../../lib/actor';
import type { CurrentUser } from '../../policy/policy';

/** The service asks the policy itself, so a route that forgets a check cannot leak (issue 8). */
describe('PartnersService asks the policy', () => {
  let t: TestApp;
  let a: number;
  let b: number;
  let coordA: CurrentUser;
  let coordB: CurrentUser;
  const actor = (user: CurrentUser): Actor => ({ userId: user.id, label: user.email, ip: null, user });
  const input = { name: 'Buurthuis', kind: 'social' as const, phone: '', website: '', notes: '' };

  beforeEach(async () => {
    t = createTestApp();
    a = createBranch(t.deps, { name: 'A' });
    b = createBranch(t.deps, { name: 'B' });
    coordA = t.deps.auth.currentUser(await createUser(t.deps, 'coordinator', [a], 'coord-a@bieb.nl'))!;
    coordB = t.deps.auth.currentUser(await createUser(t.deps, 'coordinator', [b], 'coord-b@bieb.nl'))!;
  });
  afterEach(() => t.close());

  test('another branch’s partner is 404, the national list 403, a volunteer 403; nothing changes', async () => {
    const theirs = t.deps.partners.create(actor(coordB), coordB, b, input);
    const national = t.db.prepare("SELECT id FROM partners WHERE key = 'digihulplijn'").pluck().get() as number;
    const volunteer = t.deps.auth.currentUser(await createUser(t.deps, 'volunteer', [a], 'vol-a@bieb.nl'))!;
    const before = JSON.stringify(t.db.prepare('SELECT * FROM partners ORDER BY id').all());
    expect(() => t.deps.partners.update(actor(coordA), coordA, theirs, { ...input, name: 'Overgenomen' })).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => t.deps.partners.setRetired(actor(coordA), coordA, theirs, true)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => t.deps.partners.create(actor(coordA), coordA, b, input)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => t.deps.partners.update(actor(coordA), coordA, national, { ...input, name: 'Overgenomen' })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.partners.create(actor(coordA), coordA, null, input)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.partners.update(actor(volunteer), volunteer, theirs, input)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.partners.listFor(volunteer)).toThrow(expect.objectContaining({ status: 403 }));
    expect(JSON.stringify(t.db.prepare('SELECT * FROM partners ORDER BY id').all())).toBe(before);
    // The owner may.
    t.deps.partners.update(actor(coordB), coordB, theirs, { ...input, name: 'Buurthuis Noord' });
    expect(t.deps.partners.find(theirs)?.name).toBe('Buurthuis Noord');
  });
});
