import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { createBranch, createUser, csrfFrom, signIn } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';

const PER_VOLUNTEER = 6;

describe('two volunteers lend the same device at the same moment, through the real HTTP server', () => {
  let server: LiveServer;
  beforeAll(async () => {
    server = await startLiveServer();
  });
  afterAll(() => server.close());

  test('exactly one loan; every other request gets the friendly "not available" form', async () => {
    const deps = server.deps;
    const branch = createBranch(deps);
    deps.devices.add(SYSTEM_ACTOR, branch, { type: 'laptop', assetTag: 'RACE-1', serial: '', makeModel: '', kit: ['lader'], notes: '' });
    const desks: { agent: TestAgent; token: string }[] = [];
    for (const email of ['een@bieb.nl', 'twee@bieb.nl']) {
      await createUser(deps, 'volunteer', [branch], email);
      const agent = request.agent(server.url);
      await signIn(agent, email);
      const form = await agent.get(`/loans/new?branch=${branch}&tag=RACE-1`);
      desks.push({ agent, token: csrfFrom(form.text) });
    }
    // Every request is sent before any answer is read: they are in flight together.
    const posts = desks.flatMap((desk, d) =>
      Array.from({ length: PER_VOLUNTEER }, (_, i) =>
        desk.agent
          .post('/loans/new')
          .type('form')
          .send({ _csrf: desk.token, branch: String(branch), tag: 'RACE-1', name: `Lener ${d}-${i}`, contact: `lener${d}${i}@example.nl`, kit: 'lader', agreement: 'on', due_date: '', deposit: '' }),
      ),
    );
    const responses = await Promise.all(posts);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2 * PER_VOLUNTEER - 1);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.text).toContain('Dit apparaat is nu niet beschikbaar');
    expect(deps.db.prepare('SELECT count(*) FROM loans').pluck().get()).toBe(1);
    expect(deps.db.prepare(`SELECT count(*) FROM device_events WHERE kind = 'lent'`).pluck().get()).toBe(1);
  });
});
