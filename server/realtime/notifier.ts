/**
 * How services announce that something changed, without knowing about socket.io.
 * Channels:
 * - `branch:<id>`  staff of one branch (desk screens): may carry personal data of that branch;
 * - `screen:<id>`  the public queue display of a branch: never personal data;
 * - `user:<id>`    one staff member (chat messages, personal notices);
 * - `experts`      every Digihulplijn expert (escalation queue);
 * - `escalation:<id>` one escalation's conversation (its branch's volunteers who joined, and its expert).
 */
export type Channel = `branch:${number}` | `screen:${number}` | `user:${number}` | 'experts' | `escalation:${number}`;

export interface Notifier {
  publish(channel: Channel, event: string, payload: Record<string, unknown>): void;
  /** Ends the live connections of a session (sign-out, expiry, disabled account). */
  disconnectSession(sessionId: string): void;
}

/** For scripts and tests that do not care about live updates. */
export class NullNotifier implements Notifier {
  publish(): void {}
  disconnectSession(): void {}
}

/** Remembers what was published; for service tests. */
export class RecordingNotifier implements Notifier {
  readonly published: { channel: Channel; event: string; payload: Record<string, unknown> }[] = [];
  readonly disconnected: string[] = [];
  publish(channel: Channel, event: string, payload: Record<string, unknown>): void {
    this.published.push({ channel, event, payload });
  }
  disconnectSession(sessionId: string): void {
    this.disconnected.push(sessionId);
  }
}

/**
 * Services are built before the HTTP server exists; socket.io is attached afterwards. This forwards to
 * the real notifier once it is attached and drops events before that (nobody can be listening yet).
 */
export class DeferredNotifier implements Notifier {
  private target: Notifier = new NullNotifier();
  attach(target: Notifier): void {
    this.target = target;
  }
  publish(channel: Channel, event: string, payload: Record<string, unknown>): void {
    this.target.publish(channel, event, payload);
  }
  disconnectSession(sessionId: string): void {
    this.target.disconnectSession(sessionId);
  }
}
