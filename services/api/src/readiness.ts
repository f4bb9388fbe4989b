import type { EventStore } from '@registry/eventstore';
import type { Backlog, RunnerStatus } from '@registry/projections';
import type pg from 'pg';

/** How far behind the log the read models may be while the service still calls itself ready. */
export interface ReadinessLimits {
  /** Events of a projection not yet applied. */
  maxLagEvents: number;
  /** Age of the oldest of them, in seconds. */
  maxLagSeconds: number;
}

export const DEFAULT_READINESS: ReadinessLimits = { maxLagEvents: 100, maxLagSeconds: 5 };

/**
 * A projection's state as readiness sees it; `standby`: a worker waiting for the lease that
 * another worker holds (ready: it takes the work over when that one stops).
 */
export type ReadinessStatus = Omit<RunnerStatus, 'state'> & { state: RunnerStatus['state'] | 'standby' };

export interface ReadinessRunner {
  status(): ReadinessStatus;
  backlog?(cap: number): Promise<Backlog>;
}

/** What readiness looks at: the stores, the projections, and what this process is. */
export interface ReadinessDeps {
  pool: pg.Pool;
  eventStore: EventStore;
  /** Projection runners; the service is ready while every one is within the readiness limits. */
  runners?: ReadinessRunner[];
  /** The process's role (ROLE) and the leases it holds or stands by for. */
  role?: string;
  leases?: () => { name: string; held: boolean }[];
  /** The streaming replica queries read, if any: whether it is one, and its lag. */
  replica?: () => Promise<{ ok: boolean; text: string }>;
}

export interface ProjectionReadiness {
  name: string;
  state: ReadinessStatus['state'];
  checkpoint: string | null;
  /** Its events not yet applied, counted up to the limit + 1. */
  behindEvents: number | null;
  /** Seconds since the oldest of them was recorded. */
  behindSeconds: number | null;
  ready: boolean;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
  projections: ProjectionReadiness[];
}

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/**
 * Whether the service answers as it should: the database and the event store answer, no
 * committed event is held back from readers (PostgreSQL: by a transaction left open), and
 * every projection runs and is no further behind the log than the limits. Each check says why
 * it fails, with the lag.
 */
export async function readiness(deps: ReadinessDeps, limits: ReadinessLimits, now = Date.now()): Promise<Readiness> {
  const checks: Record<string, string> = {};
  let ready = true;
  if (deps.role) checks.role = deps.role;
  const leases = deps.leases?.() ?? [];
  if (leases.length > 0) {
    const held = leases.filter((l) => l.held).map((l) => l.name);
    const waiting = leases.filter((l) => !l.held).map((l) => l.name);
    checks.leases = [
      held.length ? `held: ${held.join(', ')}` : '',
      waiting.length ? `standby: ${waiting.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  }
  try {
    await deps.pool.query('SELECT 1');
    checks.database = 'ok';
  } catch (error) {
    ready = false;
    checks.database = `unavailable: ${(error as Error).message}`;
  }
  try {
    const head = await deps.eventStore.headPosition();
    checks.eventStore = 'ok';
    checks.head = head ?? 'empty';
    const blockage = await deps.eventStore.readBlockage?.();
    if (blockage) {
      const t = blockage.transaction;
      const by = t
        ? `transaction of pid ${t.pid} (${t.application || 'no application name'}, ${t.state}, open since ${t.since}: ${t.query})`
        : 'an open transaction';
      checks.log = `${plural(blockage.events, 'committed event')} held back from readers by ${by}`;
      ready = false;
    }
  } catch (error) {
    ready = false;
    checks.eventStore = `unavailable: ${(error as Error).message}`;
  }
  if (deps.replica) {
    try {
      const replica = await deps.replica();
      checks.replica = replica.text;
      if (!replica.ok) ready = false;
    } catch (error) {
      ready = false;
      checks.replica = `unavailable: ${(error as Error).message}`;
    }
  }
  const projections: ProjectionReadiness[] = [];
  for (const runner of deps.runners ?? []) {
    const p = runner.status();
    let backlog: Backlog | undefined;
    if (p.state !== 'failed' && p.state !== 'standby' && checks.eventStore === 'ok') {
      backlog = await runner.backlog?.(limits.maxLagEvents).catch(() => undefined);
    }
    const behindSeconds = backlog?.oldestRecordedAt
      ? Math.max(0, Math.round((now - Date.parse(backlog.oldestRecordedAt)) / 1000))
      : backlog
        ? 0
        : null;
    const behindEvents = backlog?.events ?? null;
    const lagging =
      behindEvents !== null && (behindEvents > limits.maxLagEvents || (behindSeconds ?? 0) > limits.maxLagSeconds);
    // Within the limits while it works through them; where the lag is unknown, only once caught up.
    const projectionReady =
      p.state === 'standby' ||
      (backlog === undefined
        ? p.state === 'caught_up'
        : (p.state === 'caught_up' || p.state === 'catching_up') && !lagging);
    let text: string = p.state === 'standby' ? 'standby: another worker holds its lease' : p.state;
    if (p.state === 'failed') text = `failed at ${p.failedPosition ?? '?'}: ${p.error}`;
    else if (p.state === 'retrying') text = `retrying: ${p.error}`;
    else if (behindEvents) {
      const count = plural(backlog?.atLeast ? limits.maxLagEvents : behindEvents, 'event');
      text = `behind by ${backlog?.atLeast ? 'more than ' : ''}${count}, the oldest recorded ${behindSeconds} s ago (runner ${p.state})`;
    }
    checks[`projection ${p.name}`] = text;
    projections.push({
      name: p.name,
      state: p.state,
      checkpoint: p.checkpoint,
      behindEvents,
      behindSeconds,
      ready: projectionReady,
    });
    if (!projectionReady) ready = false;
  }
  return { ready, checks, projections };
}
