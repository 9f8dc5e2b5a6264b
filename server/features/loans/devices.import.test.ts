import { createBranch, createTestApp, createUser, csrfFrom, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { parseCsv } from './devices.import';

describe('CSV import of devices', () => {
  let t: TestApp;
  let branch: number;
  beforeAll(async () => {
    t = createTestApp();
    branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
  });
  afterAll(() => t.close());

  function csv200(): string {
    const lines = ['asset_tag;type;serial;make_model;kit;notes'];
    for (let i = 1; i <= 200; i++) lines.push(`IMP-${String(i).padStart(3, '0')};${i % 3 ? 'laptop' : 'tablet'};SN${i};"Lenovo; 14""";lader|tas;`);
    lines[51] = 'IMP-051;broodrooster;SN51;X;;'; // line 52: unknown type
    lines[101] = 'IMP-001;laptop;SN101;X;;'; // line 102: tag already earlier in the file
    lines[151] = ';laptop;SN151;X;;'; // line 152: no tag
    return lines.join('\r\n');
  }

  test('200 devices with 3 bad rows: the preview reports the 3 with line numbers and reasons, the import adds 197', async () => {
    const agent = t.agent();
    await signIn(agent, 'vol@bieb.nl');
    const page = await agent.get(`/devices/import?branch=${branch}`);
    expect(page.status).toBe(200);
    const preview = await agent.post('/devices/import').type('form').send({ _csrf: csrfFrom(page.text), branch: String(branch), step: 'preview', csv: csv200() });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Klaar om te importeren: 197. Met een fout: 3.');
    const rows = [...preview.text.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['52', 'IMP-051', 'Soort apparaat: Maak een keuze'],
      ['102', 'IMP-001', 'Dit apparaatnummer staat al eerder in het bestand'],
      ['152', '–', 'Apparaatnummer (sticker): Vul dit veld in'],
    ]);
    expect(t.db.prepare('SELECT count(*) FROM devices').pluck().get()).toBe(0);
    // The import button carries the same text back.
    const hidden = /name="csv" value="([^"]*)"/.exec(preview.text)![1].replace(/&#34;/g, '"').replace(/&quot;/g, '"');
    const done = await agent.post('/devices/import').type('form').send({ _csrf: csrfFrom(preview.text), branch: String(branch), step: 'import', csv: hidden });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Geïmporteerd: 197.');
    expect(t.db.prepare('SELECT count(*) FROM devices WHERE branch_id = ?').pluck().get(branch)).toBe(197);
    expect(t.db.prepare(`SELECT make_model, kit FROM devices WHERE asset_tag = 'IMP-002'`).get()).toEqual({ make_model: 'Lenovo; 14"', kit: '["lader","tas"]' });
    expect(t.db.prepare(`SELECT count(*) FROM device_events WHERE kind = 'imported'`).pluck().get()).toBe(197);
  });

  test('a file with the wrong columns imports nothing and says why', async () => {
    const agent = t.agent();
    await signIn(agent, 'vol@bieb.nl');
    const before = t.db.prepare('SELECT count(*) FROM devices').pluck().get();
    const page = await agent.get(`/devices/import?branch=${branch}`);
    const res = await agent
      .post('/devices/import')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), branch: String(branch), step: 'import', csv: 'tag;soort;kleur\nWRONG-1;laptop;rood\n' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('De kolommen kloppen niet. Verwacht: asset_tag;type;serial;make_model;kit;notes. Gevonden: tag;soort;kleur.');
    expect(res.text).toContain('Er is niets geïmporteerd.');
    expect(t.db.prepare('SELECT count(*) FROM devices').pluck().get()).toBe(before);
  });

  test('the parser reads quotes, both separators, CRLF and a byte order mark', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, ""y""",z\n')).toEqual([['a', 'b'], ['x, "y"', 'z']]);
    expect(parseCsv('a;b\n1;"2\n3"')).toEqual([['a', 'b'], ['1', '2\n3']]);
  });
});
