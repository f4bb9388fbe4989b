import { NATIONAL_POLICY } from '@registry/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateExit } from '../src/criteria.js';
import { type DomainEvent, evolve } from '../src/evolve.js';
import { applyCorrections, foldEvents, foldHistory, type HistoryEvent } from '../src/fold.js';
import { initialState } from '../src/state.js';
import { play, steps } from './generator.js';

const RUNS = { numRuns: 300 };

describe('household lifecycle properties (fast-check)', () => {
  it('never approves an exit whose criteria were not met the moment it was approved', () => {
    fc.assert(
      fc.property(steps, (s) => {
        for (const { before, events } of play(s).accepted) {
          for (const e of events) {
            if (e.type === 'ExitApproved') expect(evaluateExit(before, e.data.year, NATIONAL_POLICY).unmet).toEqual([]);
          }
        }
      }),
      RUNS,
    );
  });

  it('accepts nothing after a natural decrease', () => {
    fc.assert(
      fc.property(steps, (s) => {
        const run = play(s);
        expect(run.refusedAfterDecrease).toBe(run.attemptsAfterDecrease);
        const decrease = run.history.findIndex((e) => e.type === 'NaturalDecreaseRecorded');
        if (decrease >= 0) expect(run.history.length).toBe(decrease + 1);
      }),
      RUNS,
    );
  });

  it('keeps the household whole: members never negative, the head always a member, statuses consistent', () => {
    fc.assert(
      fc.property(steps, (s) => {
        const run = play(s);
        let state = initialState();
        for (const e of applyCorrections(run.history)) {
          state = evolve(state, e);
          const count = Object.keys(state.members).length;
          expect(count).toBeGreaterThanOrEqual(0);
          if (state.status !== 'none') {
            expect(count).toBeGreaterThan(0);
            expect(state.headMemberId && state.members[state.headMemberId]).toBeTruthy();
            expect(Object.values(state.members).filter((m) => m.relation === 'head')).toHaveLength(1);
          }
          if (state.status === 'exited') expect(state.exits.length).toBeGreaterThan(0);
          for (const m of Object.values(state.measures)) expect(m.deliveredFen).toBeLessThanOrEqual(m.amountFen);
        }
      }),
      RUNS,
    );
  });

  it('folds deterministically: twice the same, and the same as evolving event by event', () => {
    fc.assert(
      fc.property(steps, (s) => {
        const { history, accepted } = play(s);
        expect(foldHistory(history)).toEqual(foldHistory(structuredClone(history)));
        const last = accepted.at(-1);
        if (last && !history.some((e) => e.type === 'EventCorrected')) {
          expect(foldHistory(history)).toEqual(foldEvents(last.events as DomainEvent[], last.before));
        }
      }),
      RUNS,
    );
  });

  it('folding a history with corrections equals folding the history as it should have been recorded', () => {
    fc.assert(
      fc.property(steps, (s) => {
        const { history } = play(s);
        const corrections = history.filter((e) => e.type === 'EventCorrected');
        // Build the corrected history by hand: the latest correction of each event wins.
        const latest = new Map(corrections.map((c) => [c.data.correctedEventId, c.data]));
        const rewritten = history.flatMap((e) => {
          if (e.type === 'EventCorrected') return [];
          const c = latest.get(e.id);
          if (!c) return [e];
          return c.action === 'void' ? [] : [{ ...e, data: c.replacementData } as HistoryEvent];
        });
        expect(foldHistory(history)).toEqual(foldEvents(rewritten));
      }),
      RUNS,
    );
  });

  it('explores the lifecycle: random runs reach registration, exits, returns and corrections', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(steps, (s) => {
        for (const e of play(s).history) seen.add(e.type);
      }),
      { numRuns: 300, seed: 20261124 },
    );
    for (const type of [
      'RegistrationApproved',
      'ExitProposed',
      'ExitConfirmed',
      'ExitApproved',
      'ReturnedToPoverty',
      'RemovedFromRegistry',
      'NaturalDecreaseRecorded',
      'EventCorrected',
      'MonitoringStarted',
      'MonitoringEnded',
      'ApplicationRejected',
      'ObjectionResolved',
      'MemberRemoved',
      'AssistanceDelivered',
    ]) {
      expect(seen, `no random run produced ${type}`).toContain(type);
    }
  });
});
