import { csrfFrom } from './forms';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { Deps } from '../../server/deps';
import type { ChatMessage } from '../../server/features/escalations/chat.repository';

export interface TestEscalation {
  branchId: number;
  expertId?: number | null;
  status?: 'queued' | 'active' | 'closed' | 'cancelled';
}

/**
 * An escalation straight in the database (the lifecycle has its own tests): a visit, a question and an
 * escalation of that question, active and held by `expertId` unless told otherwise.
 */
export function addEscalation(deps: Deps, e: TestEscalation): number {
  const db = deps.db;
  const now = deps.clock.now().toISOString();
  const day = now.slice(0, 10);
  const tax = deps.categories.taxonomy();
  const id = (kind: Parameters<typeof tax.byKey>[0], key: string): number => tax.byKey(kind, key)!.id;
  const visit = Number(
    db.prepare(`INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)`).run(e.branchId, id('channel', 'desk'), now, day, now)
      .lastInsertRowid,
  );
  const question = Number(
    db
      .prepare(
        `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'form', ?, ?)`,
      )
      .run(visit, e.branchId, id('channel', 'desk'), day, day.slice(0, 7), id('question_type', 'digital_government'), id('organisation', 'digid'), id('help', 'together'), id('duration', 'm15_30'), id('outcome', 'solved'), now, now)
      .lastInsertRowid,
  );
  const status = e.status ?? 'active';
  const expertId = status === 'queued' ? null : (e.expertId ?? null);
  const accepted = status === 'queued' || (status === 'cancelled' && expertId === null) ? null : now;
  return Number(
    db
      .prepare(
        `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, description, status, expert_id, created_at, accepted_at, closed_at, outcome)
         VALUES (?, ?, ?, ?, 'Vraag over DigiD', ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.branchId, question, id('question_type', 'digital_government'), id('organisation', 'digid'), status, expertId, now, accepted, status === 'closed' || status === 'cancelled' ? now : null, status === 'closed' ? 'solved' : null)
      .lastInsertRowid,
  );
}

export type Ack = { ok: boolean; error?: string; [key: string]: unknown };

/**
 * A chat client that behaves like static/chat.js: it remembers the last seq it saw, sends chat:join with it on
 * every (re)connect, and keeps each seq once. `received` is what a person would see, in order.
 */
export class TestChatClient {
  readonly socket: ClientSocket;
  readonly received: ChatMessage[] = [];
  /** Every chat:message event as it came over the wire (before dedupe). */
  readonly wire: ChatMessage[] = [];
  lastSeq = 0;
  joins = 0;

  constructor(url: string, cookie: string, readonly escalationId: number, options: { transports?: string[]; reconnection?: boolean } = {}) {
    this.socket = connect(url, {
      transports: options.transports ?? ['websocket'],
      forceNew: true,
      reconnection: options.reconnection ?? true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      extraHeaders: { Cookie: cookie },
      autoConnect: false,
    });
    this.socket.on('chat:message', (m: ChatMessage) => {
      if (m.escalationId !== this.escalationId) return;
      this.wire.push(m);
      this.keep([m]);
    });
    this.socket.on('connect', () => void this.join());
  }

  private keep(messages: ChatMessage[]): void {
    for (const m of messages) {
      if (m.seq <= this.lastSeq) continue;
      this.received.push(m);
      this.lastSeq = m.seq;
    }
  }

  private joined: Promise<Ack> | null = null;
  private async join(): Promise<Ack> {
    this.joins++;
    this.joined = this.socket.timeout(3000).emitWithAck('chat:join', { escalationId: this.escalationId, afterSeq: this.lastSeq }) as Promise<Ack>;
    const ack = await this.joined;
    if (ack.ok) this.keep(ack.messages as ChatMessage[]);
    return ack;
  }

  /** Connects and waits for the first join's answer. */
  async open(): Promise<Ack> {
    const first = new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
    this.socket.connect();
    await first;
    return this.joined!;
  }

  send(body: string, clientId: string, kind: 'message' | 'note' = 'message'): Promise<Ack> {
    return this.socket.timeout(3000).emitWithAck('chat:send', { escalationId: this.escalationId, clientId, body, kind }) as Promise<Ack>;
  }

  emit(event: string, payload: Record<string, unknown>): Promise<Ack> {
    return this.socket.timeout(3000).emitWithAck(event, payload) as Promise<Ack>;
  }

  /** Resolves once `count` messages are kept (or rejects after the timeout). */
  async waitFor(count: number, timeoutMs = 3000): Promise<ChatMessage[]> {
    const until = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > until) throw new Error(`only ${this.received.length} of ${count} messages arrived`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.received;
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** A form post the way a browser sends it: the page first, then the form with that page's CSRF token. */
export async function postForm(agent: import('supertest').Agent, pageUrl: string, url: string, body: Record<string, string>): Promise<import('supertest').Response> {
  const page = await agent.get(pageUrl);
  return agent.post(url).type('form').send({ _csrf: csrfFrom(page.text), ...body });
}

/** Every escalation test starts with nobody waiting, nobody in a chat and no expert available. */
export function resetEscalations(db: import('../../server/db/open').Db): void {
  db.exec(`UPDATE escalations SET status = 'cancelled', expert_id = NULL, accepted_at = NULL, closed_at = '2026-03-01T00:00:00Z', outcome = NULL WHERE status IN ('queued', 'active')`);
  db.exec(`DELETE FROM expert_presence`);
}
