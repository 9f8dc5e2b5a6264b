import request from 'supertest';
import { io as connect } from 'socket.io-client';
import { cookiesOf, csrfFrom, sessionCookieOf } from '../../../tests/helpers/forms';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { signInLive } from '../../../tests/helpers/arrival';
import { createBranch, createUser } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';

/** The socket handshake follows the HTTP guard: no staff socket before the required second factor. */
describe('second factor and staff sockets', () => {
  let server: LiveServer;
  beforeAll(async () => {
    server = await startLiveServer();
    const branch = createBranch(server.deps);
    await server.deps.users.ensure(SYSTEM_ACTOR, { email: 'nieuw@bieb.nl', name: 'Nieuw', role: 'coordinator', branchIds: [branch] }, 'demo-demo-demo');
    await createUser(server.deps, 'coordinator', [branch], 'coord@bieb.nl');
  });
  afterAll(() => server?.close());

  async function handshake(cookie: string): Promise<string> {
    const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Cookie: cookie } });
    try {
      return await new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.once('connect_error', (err) => resolve(err.message));
      });
    } finally {
      socket.disconnect();
    }
  }

  test('a coordinator who still has to enrol is refused; one who signed in with the code connects', async () => {
    // Password only (no factor yet): a real session, which the HTTP guard sends to enrolment.
    const login = await request(server.url).get('/login');
    const res = await request(server.url).post('/login').set('Cookie', cookiesOf(login).join('; ')).type('form').send({ _csrf: csrfFrom(login.text), email: 'nieuw@bieb.nl', password: 'demo-demo-demo' });
    const cookie = sessionCookieOf(res)!;
    expect((await request(server.url).get('/desk').set('Cookie', cookie)).headers.location).toBe('/account/second-factor');
    expect(await handshake(cookie)).toBe('unauthorized');
    expect(await handshake((await signInLive(server.url, 'coord@bieb.nl')).cookie)).toBe('connected');
  });
});
