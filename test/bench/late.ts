/**
 * `pnpm bench:late`: what a record entered late (effective before events already projected)
 * costs the projection on a household with a long history, beside what folding that history
 * in memory costs, in the same run; and how the health check answers while such records
 * arrive on several long households at once.
 *
 * The households' own histories are full of late visits, as real ones are.
 *
 *   fold in memory          foldHistory of the household's whole stream (the baseline)
 *   timely visit            a visit effective today: from its append until the read models have it
 *   late visit              a visit effective two years back
 *   late member             a member added two years back (a roll event: the status history is redone)
 *   under load              late visits, then late member changes, on every long household at
 *                           once as fast as the handler takes them (the load, the service and
 *                           its database share this machine's cores): commands per second until
 *                           all are projected, GET /healthz every 10 ms meanwhile, and the
 *                           longest stretch the event loop was held
 *
 * Options: --events N (events per household, default 1000), --households N (for the load, default 8),
 * --runs N (measurements of each kind, default 15).
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { HouseholdCommandHandler } from '@registry/registry';
import { foldHistory } from '@registry/registry';
import { type Actor, type Member, nationalIdCheckChar } from '@registry/schema';
import Table from 'cli-table3';
import { percentiles, startBenchService, writeResult } from './support.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000' },
    households: { type: 'string', default: '8' },
    runs: { type: 'string', default: '15' },
  },
});
const EVENTS = Number(args.events);
const HOUSEHOLDS = Number(args.households);
const RUNS = Number(args.runs);
const clerk: Actor = { id: 'bench-clerk', role: 'clerk', unit: '城关镇扶贫办' };
const VILLAGE = '320924101201';

let seq = 0;
function member(relation: Member['relation']): Member {
  seq++;
  const first17 = `32092419800101${String(seq % 1000).padStart(3, '0')}`;
  return {
    memberId: randomUUID(),
    nationalId: first17 + nationalIdCheckChar(first17),
    name: `村民${seq}`,
    sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female',
    birthDate: '1980-01-01',
    relation,
    health: 'healthy',
    labourCapacity: 'ordinary',
    schooling: 'not_in_school',
    insurance: { basicMedical: true, seriousIllness: false, pension: false },
  };
}

/**
 * A monitored household with `events` events: visits from 2014 on, every other one entered a
 * couple of months late (effective before the one recorded just before it), as clerks catch up.
 */
async function longHousehold(handler: HouseholdCommandHandler, events: number): Promise<string> {
  const householdId = randomUUID();
  let n = 0;
  const send = (type: string, data: unknown, effectiveAt: string) =>
    handler.handle({ commandId: `${householdId}-${++n}`, householdId, effectiveAt }, type, data, clerk);
  await send(
    'StartMonitoring',
    {
      category: 'edge_vulnerable',
      risks: ['因病'],
      household: { villageCode: VILLAGE, address: '张庄村1号' },
      members: [member('head')],
    },
    '2014-01-01',
  );
  await send('AssignHelper', { helper: { helperId: 'h1', name: '王干部', unit: '县农业局' } }, '2014-01-01');
  for (let i = 2; i < events; i++) {
    const late = i % 2 === 1 ? 60 : 0;
    const day = new Date(Date.UTC(2014, 2, 2) + (Math.floor((i * 3650) / events) - late) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    await send('RecordVisit', { notes: `第${i}次走访` }, day);
  }
  return householdId;
}

type Send = (type: string, data: unknown, effectiveAt: string) => Promise<{ position: string }>;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const service = await startBenchService('late');
  try {
    const { handler, waitForRegistry } = service.infrastructure;
    process.stdout.write(`building ${HOUSEHOLDS} households of ${EVENTS} events…\n`);
    const households: string[] = [];
    for (let i = 0; i < HOUSEHOLDS; i++) households.push(await longHousehold(handler, EVENTS));
    const target = households[0] as string;
    await waitForRegistry((await service.infrastructure.eventStore.headPosition()) as string, 120_000);

    // The baseline: the whole history folded in memory.
    const history = await handler.history(target);
    const folds: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      foldHistory(history);
      folds.push(performance.now() - start);
    }

    let n = 0;
    /** Milliseconds from the command's return (its events appended) until the read models hold them. */
    const projected = async (type: string, data: unknown, effectiveAt: string) => {
      const result = await handler.handle(
        { commandId: `late-${target}-${++n}`, householdId: target, effectiveAt },
        type,
        data,
        clerk,
      );
      const start = performance.now();
      await waitForRegistry(result.position, 60_000);
      return performance.now() - start;
    };
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const timely: number[] = [];
    const lateVisit: number[] = [];
    const lateMember: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      timely.push(await projected('RecordVisit', { notes: '今日走访' }, today));
      lateVisit.push(await projected('RecordVisit', { notes: '补录走访' }, '2022-03-15'));
      const child = member('child');
      lateMember.push(await projected('AddMember', { member: child, reason: 'birth' }, '2022-03-15'));
      await projected('RemoveMember', { memberId: child.memberId, reason: 'moving_out' }, '2022-04-15');
    }

    // Under load: late records on every long household at once, as fast as the handler takes
    // them, while /healthz is polled; commands per second until the read models hold them all.
    const underLoad = async (name: string, perHousehold: (send: Send, i: number) => Promise<string>) => {
      let loading = true;
      const health: number[] = [];
      let healthFailed = 0;
      const poll = (async () => {
        while (loading) {
          const start = performance.now();
          // A loop held long enough drops keep-alive sockets: counted, not fatal.
          await fetch(`${service.url}/healthz`)
            .then((r) => r.arrayBuffer())
            .catch(() => healthFailed++);
          health.push(performance.now() - start);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      // How long the event loop was held at a stretch: a request waits at least that long.
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      let commands = 0;
      const start = performance.now();
      await Promise.all(
        households.map(async (householdId) => {
          let k = 0;
          const send: Send = async (type, data, effectiveAt) => {
            commands++;
            return handler.handle(
              { commandId: `${name}-${householdId}-${++k}`, householdId, effectiveAt },
              type,
              data,
              clerk,
            );
          };
          let last = '';
          for (let i = 0; i < 10; i++) last = await perHousehold(send, i);
          await waitForRegistry(last, 300_000);
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      loop.disable();
      loading = false;
      await poll;
      return {
        name,
        commands,
        seconds,
        commandsPerSecond: commands / seconds,
        health: { ...percentiles(health), failed: healthFailed },
        loopHeldMs: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      };
    };
    const loads = [
      await underLoad('late visits', async (send, i) => {
        await send('RecordVisit', { notes: '补录走访' }, `2020-0${1 + (i % 9)}-10`);
        return (await send('RecordVisit', { notes: '补录走访' }, `2019-0${1 + (i % 9)}-20`)).position;
      }),
      await underLoad('late member changes', async (send) => {
        const child = member('child');
        await send('AddMember', { member: child, reason: 'birth' }, '2021-06-01');
        return (await send('RemoveMember', { memberId: child.memberId, reason: 'moving_out' }, '2021-07-01')).position;
      }),
    ];

    const fold = median(folds);
    const rows = [
      ['fold in memory (baseline)', fold, 1],
      ['timely visit projected', median(timely), median(timely) / fold],
      ['late visit projected', median(lateVisit), median(lateVisit) / fold],
      ['late member projected', median(lateMember), median(lateMember) / fold],
    ] as const;
    const table = new Table({ head: [`${history.length} events`, 'median ms', '× fold'] });
    for (const [what, ms, ratio] of rows) table.push([what, ms.toFixed(1), ratio.toFixed(1)]);
    for (const load of loads) {
      table.push([
        `${load.commands} ${load.name} on ${HOUSEHOLDS} households at once: ${load.commandsPerSecond.toFixed(0)} commands/s projected`,
        `/healthz p50 ${load.health.p50.toFixed(1)}, p99 ${load.health.p99.toFixed(1)}, max ${load.health.max.toFixed(1)}${load.health.failed ? ` (${load.health.failed} failed)` : ''}; loop held max ${load.loopHeldMs.max.toFixed(1)}`,
        '',
      ]);
    }
    process.stdout.write(`${table.toString()}\n`);
    await writeResult('late', {
      date: new Date().toISOString(),
      eventsPerHousehold: history.length,
      foldMs: fold,
      timelyMs: median(timely),
      lateVisitMs: median(lateVisit),
      lateMemberMs: median(lateMember),
      loads,
    });
  } finally {
    await service.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
