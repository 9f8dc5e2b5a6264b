import Database from '../../db/driver';
import { createTestApp, type TestApp } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';

describe('CategoriesService.taxonomy: kept in memory, never stale', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.close());

  const digidId = (): number => t.deps.categories.taxonomy().byKey('organisation', 'digid')!.id;

  test('unchanged categories are not read again: the same taxonomy comes back', () => {
    const first = t.deps.categories.taxonomy();
    // Every request writes its session row on this connection; that must not throw the taxonomy away.
    t.db.prepare("INSERT INTO sessions (sid, data, expires_at) VALUES ('x', '{}', 0)").run();
    expect(t.deps.categories.taxonomy()).toBe(first);
    expect(Object.isFrozen(first.entries[0])).toBe(true);
  });

  test.each([
    ['rename', (id: number): void => t.deps.categories.rename(SYSTEM_ACTOR, id, 'DigiD nieuw', 'DigiD new')],
    ['retire', (id: number): void => t.deps.categories.setRetired(SYSTEM_ACTOR, id, true)],
    ['move', (id: number): void => t.deps.categories.move(SYSTEM_ACTOR, id, 'down')],
  ])('its own write (%s) is seen at once', (_name, write) => {
    const id = digidId();
    const before = t.deps.categories.taxonomy().get(id)!;
    write(id);
    const after = t.deps.categories.taxonomy().get(id)!;
    expect(after).not.toEqual(before);
    expect(after).toEqual(t.deps.categories.get(id));
  });

  test('an added entry is seen at once', () => {
    const id = t.deps.categories.add(SYSTEM_ACTOR, { kind: 'help', parentId: null, labelNl: 'Samen gedaan', labelEn: 'Done together' });
    expect(t.deps.categories.taxonomy().get(id)?.labelNl).toBe('Samen gedaan');
  });

  test('a write by another connection to the same file (another process) is seen at the next call', () => {
    const id = digidId();
    expect(t.deps.categories.taxonomy().get(id)?.labelNl).not.toBe('Van buiten');
    const other = new Database(t.config.databasePath);
    try {
      other.prepare("UPDATE taxonomy SET label_nl = 'Van buiten' WHERE id = ?").run(id);
    } finally {
      other.close();
    }
    expect(t.deps.categories.taxonomy().get(id)?.labelNl).toBe('Van buiten');
  });
});
