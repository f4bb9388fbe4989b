import { EventIdConflict, type EventStore, type RecordedEvent, WrongExpectedVersion } from '@registry/eventstore';
import {
  type Actor,
  type IsoDate,
  POLICY_STREAM,
  type Policy,
  PolicyEvents,
  REGISTRY_START,
  RecordPolicyVersion,
} from '@registry/schema';
import { commandIdTaken, HANDLER_PATHS, type IssuePaths, issues } from './envelope.js';
import { ValidationError } from './errors.js';
import { deriveId } from './ids.js';

/** A policy version as recorded: whole, in force from `effectiveFrom` until the next version's. */
export interface PolicyVersion {
  policy: Policy;
  effectiveFrom: IsoDate;
  reason: string;
  recordedAt: string;
  recordedBy: Actor;
  position: string;
  eventId: string;
}

/**
 * The versions in force over time. `at(date)` is the version whose effective date is the
 * latest on or before `date` (of two on one date, the one recorded later); a date before the
 * first version's takes the first.
 */
export class PolicyTimeline {
  readonly versions: readonly PolicyVersion[];

  constructor(versions: readonly PolicyVersion[]) {
    if (versions.length === 0) throw new Error('a policy timeline needs a version');
    // Stable: versions of one date stay in recording order.
    this.versions = [...versions].sort((a, b) =>
      a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0,
    );
  }

  at(date: string): Policy {
    let found = this.versions[0] as PolicyVersion;
    for (const v of this.versions) if (v.effectiveFrom <= date) found = v;
    return found.policy;
  }

  byId(id: string): PolicyVersion | undefined {
    return this.versions.findLast((v) => v.policy.id === id);
  }
}

/** Where the rules find the policy: recorded versions (`PolicyBook`) or one fixed policy (tests, the simulator). */
export interface PolicySource {
  timeline(): Promise<PolicyTimeline>;
}

/** One policy for all dates: for tests and the simulator, which write under a known policy. */
export function fixedPolicy(policy: Policy): PolicySource {
  const timeline = new PolicyTimeline([
    {
      policy,
      effectiveFrom: REGISTRY_START,
      reason: 'fixed',
      recordedAt: new Date(0).toISOString(),
      recordedBy: { id: 'code', role: 'system', unit: 'code' },
      position: '',
      eventId: '',
    },
  ]);
  return { timeline: async () => timeline };
}

/** A handler's policy option: a policy (fixed) or a source of recorded versions. */
export function policySource(option: Policy | PolicySource): PolicySource {
  return 'timeline' in option ? option : fixedPolicy(option);
}

/**
 * The policy versions recorded as events on the `policy` stream. An admin records a version
 * (`record`): whole, effective from a date, with a reason; idempotent by command id. Until a
 * version is recorded the seed (today's values, in code) is recorded first, effective from the
 * registry's start (`seed`), so no code constant decides a case: the versions on the stream do.
 * Each read takes the stream's new events since the last (one small read).
 */
export class PolicyBook implements PolicySource {
  private read: PolicyVersion[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly seedPolicy: Policy,
  ) {}

  async timeline(): Promise<PolicyTimeline> {
    await this.refresh();
    if (this.read.length === 0) await this.seed();
    return new PolicyTimeline(this.read);
  }

  /** Records the seed version if the stream has none. */
  async seed(): Promise<void> {
    await this.refresh();
    if (this.read.length > 0) return;
    await this.append(
      {
        commandId: `policy-seed-${this.seedPolicy.id}`,
        effectiveFrom: REGISTRY_START,
        reason: '初始政策（系统预置）',
        policy: this.seedPolicy,
      },
      { id: 'registry', role: 'system', unit: '系统预置' },
      'no_stream',
    ).catch((error) => {
      // Another process seeded first: its version stands.
      if (!(error instanceof WrongExpectedVersion)) throw error;
    });
    await this.refresh();
  }

  /** Records a version. Refused (naming the field) when it does not parse or reuses another version's id. */
  async record(
    input: unknown,
    actor: Actor,
    paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS,
  ): Promise<{ position: string; duplicate: boolean }> {
    const parsed = RecordPolicyVersion.safeParse(input);
    if (!parsed.success) throw new ValidationError(issues(parsed.error, paths));
    const c = parsed.data;
    for (let attempt = 1; ; attempt++) {
      await this.timeline();
      const id = deriveId(c.commandId, 'event-0');
      const earlier = this.read.find((v) => v.eventId === id);
      if (earlier) return { position: earlier.position, duplicate: true };
      const taken = this.read.find((v) => v.policy.id === c.policy.id);
      if (taken) {
        throw new ValidationError([
          {
            path: `${paths.envelope('policy')}.id`,
            message: `must be new: version ${c.policy.id} is in force from ${taken.effectiveFrom}`,
          },
        ]);
      }
      try {
        return await this.append(c, actor, this.read.length - 1);
      } catch (error) {
        if (error instanceof EventIdConflict) throw commandIdTaken(paths);
        if (!(error instanceof WrongExpectedVersion) || attempt >= 5) throw error;
      }
    }
  }

  private async append(
    c: RecordPolicyVersion,
    actor: Actor,
    expectedRevision: number | 'no_stream',
  ): Promise<{ position: string; duplicate: boolean }> {
    const appended = await this.store.append(
      POLICY_STREAM,
      [
        {
          id: deriveId(c.commandId, 'event-0'),
          type: 'PolicyVersionRecorded',
          data: { policy: c.policy, effectiveFrom: c.effectiveFrom },
          metadata: {
            actor,
            effectiveAt: c.effectiveFrom,
            reason: c.reason,
            correlationId: deriveId(c.commandId, 'correlation'),
            commandId: c.commandId,
            schemaVersion: PolicyEvents.PolicyVersionRecorded.version,
          },
        },
      ],
      { expectedRevision: expectedRevision === -1 ? 'no_stream' : expectedRevision },
    );
    await this.refresh();
    return { position: appended.position, duplicate: appended.duplicate === true };
  }

  private reading: Promise<void> = Promise.resolve();

  /** Takes the stream's new events; one read at a time, so two callers never take one event twice. */
  private refresh(): Promise<void> {
    const next = this.reading.then(async () => {
      const recorded = await this.store.readStream(POLICY_STREAM, { fromRevision: this.read.length });
      for (const e of recorded) this.read.push(this.version(e));
    });
    this.reading = next.catch(() => {});
    return next;
  }

  private version(e: RecordedEvent): PolicyVersion {
    if (e.type !== 'PolicyVersionRecorded') throw new Error(`${e.streamName}: ${e.type} is not a policy event`);
    const data = PolicyEvents.PolicyVersionRecorded.schema.parse(e.data);
    return {
      policy: data.policy,
      effectiveFrom: data.effectiveFrom,
      reason: e.metadata.reason ?? '',
      recordedAt: e.recordedAt,
      recordedBy: e.metadata.actor,
      position: e.position,
      eventId: e.id,
    };
  }
}

/** The policy in force on `date`: of a timeline, or the one policy given. */
export function policyOn(policy: Policy | PolicyTimeline, date: string): Policy {
  return policy instanceof PolicyTimeline ? policy.at(date) : policy;
}
