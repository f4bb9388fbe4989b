import { householdIdentifiers, type PeopleAtCutoff, rectifyingEvents, registryFrame } from '@registry/projections';
import {
  type AssessmentState,
  drawSample,
  type Finding,
  frameDigest,
  populationsKnownAt,
  type RegistryAtCutoff,
} from '@registry/registry';
import type { RegistryCounts } from '@registry/schema';
import type { ApiDeps } from './graphql/context.js';

/**
 * The assessment's glue to the read side: what the draw reads (the registry at the cut-off, as
 * known when the assessment opened), the redraw that checks a recorded sample, and the
 * rectification list that follows findings back into the registry.
 */

type Deps = Pick<ApiDeps, 'pool' | 'eventStore' | 'projections' | 'waitForRegistry'>;

export async function registryAt(deps: Deps, opened: AssessmentState['opened']): Promise<RegistryAtCutoff> {
  // Everything recorded by the time the assessment opened is in the log before now: once the
  // read models reach the log's head they hold all of it.
  const head = await deps.eventStore.headPosition();
  if (head) await deps.waitForRegistry(head);
  const frame = await registryFrame(deps.pool, deps.projections.registry, {
    areaCode: opened.areaCode,
    effectiveOn: opened.cutoff,
    knownAt: opened.knownAt,
  });
  const populations = await populationsKnownAt(
    deps.eventStore,
    [opened.areaCode, ...frame.villages],
    opened.year,
    opened.knownAt,
  );
  const counts = (code: string, people: PeopleAtCutoff | undefined): RegistryCounts => ({
    population: populations.get(code) ?? null,
    registeredPeople: people?.registeredPeople ?? 0,
    exitedPeople: people?.exitedPeople ?? 0,
    cardedPeople: people?.cardedPeople ?? 0,
  });
  return {
    frame: { villages: frame.villages, households: frame.households },
    area: counts(opened.areaCode, frame.area),
    villages: new Map(frame.villages.map((v) => [v, counts(v, frame.byVillage.get(v))])),
  };
}

export interface SampleVerification {
  /** The sample recorded is the one the seed draws from the registry as it reads now. */
  matches: boolean;
  frameMatches: boolean;
  recomputedDigest: string;
  /** Households the recorded sample has and the redraw does not, and the other way round. */
  missing: string[];
  extra: string[];
}

/** Redraws the sample from the read models as they are now, at the assessment's two dates. */
export async function verifySample(deps: Deps, state: AssessmentState): Promise<SampleVerification | null> {
  const sample = state.sample;
  if (!sample) return null;
  const registry = await registryAt(deps, state.opened);
  const redraw = drawSample(registry.frame, sample.seed, state.opened.sizes, state.opened.poorVillageCodes);
  const recorded = new Set(sample.households.map((h) => h.householdId));
  const drawn = new Set(redraw.households.map((h) => h.householdId));
  const recomputedDigest = frameDigest(registry.frame);
  const sameVillages =
    redraw.villages.map((v) => `${v.villageCode}:${v.stratum}`).join() ===
    sample.villages.map((v) => `${v.villageCode}:${v.stratum}`).join();
  const missing = [...recorded].filter((id) => !drawn.has(id));
  const extra = [...drawn].filter((id) => !recorded.has(id));
  return {
    matches: sameVillages && missing.length === 0 && extra.length === 0,
    frameMatches: recomputedDigest === sample.frameDigest,
    recomputedDigest,
    missing,
    extra,
  };
}

export type RectificationAction = 'annul_exit' | 'remove' | 'invite_application';

export interface RectificationItem {
  finding: Finding;
  action: RectificationAction;
  /** Whether the registry has recorded the action since the finding. */
  actedOn: boolean;
  actedAt: string | null;
  /** The household the action was recorded on (for an omitted household: the one that applied). */
  actedHouseholdId: string | null;
  /** How the county finds the household: its card number and head as the roll records them now (unmasked here). */
  cardNumber: string | null;
  headName: string | null;
}

const ACTION: Partial<Record<Finding['verdict'], { action: RectificationAction; event: string }>> = {
  wrongly_exited: { action: 'annul_exit', event: 'ExitAnnulled' },
  wrongly_included: { action: 'remove', event: 'RemovedFromRegistry' },
  omitted: { action: 'invite_application', event: 'ApplicationSubmitted' },
};

/** 整改清单: every finding that asks the county to act, and whether it has. */
export async function rectificationList(deps: Deps, state: AssessmentState): Promise<RectificationItem[]> {
  const findings = [...state.findings.values()].filter((f) => ACTION[f.verdict]);
  const events = await rectifyingEvents(deps.pool, deps.projections.registry, {
    householdIds: findings.flatMap((f) => (f.householdId ? [f.householdId] : [])),
    nationalIds: findings.flatMap((f) => (f.headNationalId ? [f.headNationalId] : [])),
  });
  const items = findings.map((finding) => {
    const wanted = ACTION[finding.verdict] as { action: RectificationAction; event: string };
    const act = events
      .filter(
        (e) =>
          e.eventType === wanted.event &&
          e.recordedAt >= finding.recordedAt &&
          (finding.householdId
            ? e.householdId === finding.householdId
            : finding.headNationalId !== undefined && e.nationalIds.includes(finding.headNationalId)),
      )
      .sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : 1))[0];
    return {
      finding,
      action: wanted.action,
      actedOn: act !== undefined,
      actedAt: act?.recordedAt ?? null,
      actedHouseholdId: act?.householdId ?? null,
    };
  });
  const known = await householdIdentifiers(
    deps.pool,
    deps.projections.registry,
    items.flatMap((i) => {
      const id = i.finding.householdId ?? i.actedHouseholdId;
      return id ? [id] : [];
    }),
  );
  return items.map((i) => {
    const found = known.get(i.finding.householdId ?? i.actedHouseholdId ?? '');
    return { ...i, cardNumber: found?.cardNumber ?? null, headName: found?.headName ?? null };
  });
}

/** Card numbers and heads of the sampled households, for finding them on site. */
export function sampleIdentifiers(deps: Deps, state: AssessmentState) {
  return householdIdentifiers(
    deps.pool,
    deps.projections.registry,
    (state.sample?.households ?? []).map((h) => h.householdId),
  );
}
