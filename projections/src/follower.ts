import type { EventStore } from '@registry/eventstore';
import type pg from 'pg';
import { RegistryProjection } from './registry-projection.js';
import { ProjectionRunner, type RunnerStatus } from './runner.js';
import { activeVersion } from './versions.js';

interface Running {
  projection: RegistryProjection;
  runner: ProjectionRunner;
}

export interface FollowerOptions {
  store: EventStore;
  pool: pg.Pool;
  /** How often to look for a switched version. */
  pollMs?: number;
  onStateChange?: (status: RunnerStatus) => void;
  onSwitch?: (from: number, to: number) => void;
  /** A periodic check that failed (the database away): it is tried again at the next tick. */
  onCheckFailed?: (error: Error) => void;
}

/**
 * Keeps the service on the active version of the registry read models. When a rebuild
 * switches `projection_active`, the follower runs the new version (resuming at its
 * checkpoint), and once it has caught up makes it current and stops the old one, so queries
 * never see a version that is behind.
 */
export class RegistryVersionFollower {
  private running: Running | undefined;
  private pending: Running | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly options: FollowerOptions) {}

  /** The projection serving queries now. */
  get projection(): RegistryProjection {
    if (!this.running) throw new Error('the registry version follower is not started');
    return this.running.projection;
  }

  /** Status of the serving runner, for readiness. */
  readonly runner = {
    status: (): RunnerStatus => {
      if (!this.running) throw new Error('the registry version follower is not started');
      return this.running.runner.status();
    },
    lag: () => {
      if (!this.running) throw new Error('the registry version follower is not started');
      return this.running.runner.lag();
    },
    backlog: (cap: number) => {
      if (!this.running) throw new Error('the registry version follower is not started');
      return this.running.runner.backlog(cap);
    },
    /** Read-your-writes: resolves once the serving version has processed `position`. */
    waitFor: (position: string, timeoutMs?: number) => {
      if (!this.running) throw new Error('the registry version follower is not started');
      return this.running.runner.waitFor(position, timeoutMs);
    },
  };

  async start(): Promise<void> {
    this.running = await this.run(await activeVersion(this.options.pool, 'registry'));
    this.timer = setInterval(() => {
      this.checking ??= this.check()
        .catch((error: Error) => this.options.onCheckFailed?.(error))
        .finally(() => {
          this.checking = undefined;
        });
    }, this.options.pollMs ?? 5000);
    this.timer.unref();
  }

  /** Looks once for a switched version, and completes a switch whose runner has caught up. */
  async check(): Promise<void> {
    const current = this.running;
    if (!current) return;
    const active = await activeVersion(this.options.pool, 'registry');
    if (active !== current.projection.version && this.pending?.projection.version !== active) {
      await this.pending?.runner.stop();
      this.pending = await this.run(active);
    }
    const pending = this.pending;
    if (pending && pending.runner.status().state === 'caught_up') {
      this.running = pending;
      this.pending = undefined;
      // Told as it happens: queries read the new version from this moment on.
      this.options.onSwitch?.(current.projection.version, pending.projection.version);
      await current.runner.stop();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await Promise.all([this.running?.runner.stop(), this.pending?.runner.stop()]);
  }

  private async run(version: number): Promise<Running> {
    const projection = new RegistryProjection(this.options.store, version);
    const runner = new ProjectionRunner({
      store: this.options.store,
      pool: this.options.pool,
      projection,
      ...(this.options.onStateChange ? { onStateChange: this.options.onStateChange } : {}),
    });
    await runner.start();
    return { projection, runner };
  }
}
