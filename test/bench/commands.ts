/**
 * `pnpm bench:commands`: household commands through HTTP GraphQL with 8 concurrent clients
 * (commands/s, p50/p99 latency), beside the same kind of commands sent to the command
 * handler in-process by 8 concurrent callers in the same run (the baseline: what HTTP, auth,
 * GraphQL and validation add). Commands come from the county simulator, so they follow the
 * lifecycle: identification, registration, helpers, measures, visits, assessments, exits.
 *
 * The GraphQL clients run in a child process, as clients would run elsewhere; the service,
 * its projections and PostgreSQL share the machine's two cores with them all the same.
 *
 * Options: --households N per side (default 240), --clients N (default 8).
 */
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { HouseholdCommandHandler, RuleViolation } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import Table from 'cli-table3';
import { GraphQLClient } from 'graphql-request';
import { type PlannedCommand, planCounty, planHousehold } from '../simulator/plan.js';
import { percentiles, startBenchService, writeResult } from './support.js';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '240' },
    clients: { type: 'string', default: '8' },
    child: { type: 'string' },
    token: { type: 'string' },
    seed: { type: 'string' },
  },
});
const HOUSEHOLDS = Number(args.households);
const CLIENTS = Number(args.clients);

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function workload(seed: number): PlannedCommand[][] {
  const county = planCounty({ households: HOUSEHOLDS, seed });
  // Each household's commands up to 2018, so every request is a real decision, not a replay.
  return county.townships.flatMap((t) =>
    t.villages.flatMap((v) =>
      v.households.map((h) => planHousehold(seed, h, v.code).filter((c) => c.recordOn < '2019-01-01')),
    ),
  );
}

interface Measured {
  commands: number;
  refused: number;
  seconds: number;
  latencies: number[];
}

async function run(households: PlannedCommand[][], send: (c: PlannedCommand) => Promise<'ok' | 'refused'>) {
  const queue = [...households];
  const measured: Measured = { commands: 0, refused: 0, seconds: 0, latencies: [] };
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let household = queue.shift(); household; household = queue.shift()) {
        for (const command of household) {
          const t = performance.now();
          const outcome = await send(command);
          measured.latencies.push(performance.now() - t);
          measured.commands++;
          if (outcome === 'refused') measured.refused++;
        }
      }
    }),
  );
  measured.seconds = (performance.now() - start) / 1000;
  return measured;
}

function graphqlSender(url: string, token: string) {
  const clients = Array.from(
    { length: CLIENTS },
    () => new GraphQLClient(`${url}/graphql`, { headers: { authorization: `Bearer ${token}` } }),
  );
  let next = 0;
  return async (c: PlannedCommand): Promise<'ok' | 'refused'> => {
    const client = clients[next++ % CLIENTS] as GraphQLClient;
    const field = lowerFirst(c.type);
    const hasData = Object.keys(c.data).length > 0;
    const response = await client.request<Record<string, { __typename: string }>>(
      `mutation($id: ID!, $input: ${c.type}Input!) { ${field}(commandId: $id, input: $input) { __typename } }`,
      {
        id: c.commandId,
        input: {
          householdId: c.householdId,
          effectiveAt: c.effectiveAt,
          ...(c.reason ? { reason: c.reason } : {}),
          ...(hasData ? { data: c.data } : {}),
        },
      },
    );
    const typename = response[field]?.__typename;
    if (typename === 'CommandSuccess') return 'ok';
    if (typename === 'RuleViolation' && c.refused) return 'refused';
    throw new Error(`${c.type} for household ${c.household}: ${typename}`);
  };
}

/** The GraphQL clients, in a child process: warm-up households, then the measured ones. */
function graphqlInChild(url: string, token: string, seed: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(
      new URL(import.meta.url).pathname,
      [
        '--child',
        url,
        '--token',
        token,
        '--seed',
        String(seed),
        '--households',
        String(HOUSEHOLDS),
        '--clients',
        String(CLIENTS),
      ],
      { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    child.once('message', (m) => resolve(m as Measured));
    child.once('exit', (code) => reject(new Error(`GraphQL clients exited with ${code} before reporting`)));
  });
}

async function main(): Promise<void> {
  const service = await startBenchService('commands');
  try {
    const token = await service.token({ sub: 'bench-clerk', role: 'clerk', unit: '县扶贫办', area: '320924000000' });
    const handler = new HouseholdCommandHandler(service.infrastructure.eventStore, { policy: NATIONAL_POLICY });
    const viaHandler = async (c: PlannedCommand): Promise<'ok' | 'refused'> => {
      try {
        await handler.handle(
          {
            commandId: c.commandId,
            householdId: c.householdId,
            effectiveAt: c.effectiveAt,
            ...(c.reason ? { reason: c.reason } : {}),
          },
          c.type,
          c.data,
          c.actor,
        );
        return 'ok';
      } catch (error) {
        if (error instanceof RuleViolation && c.refused) return 'refused';
        throw error;
      }
    };

    const graphql = await graphqlInChild(service.url, token, 1);
    // Warm the in-process path on a few households first, as the child warms its own.
    await run(workload(901).slice(0, CLIENTS * 2), viaHandler);
    const baseline = await run(workload(2), viaHandler);

    const row = (name: string, m: Measured, target: string) => {
      const p = percentiles(m.latencies);
      return [
        name,
        m.commands.toLocaleString('en'),
        Math.round(m.commands / m.seconds).toLocaleString('en'),
        p.p50.toFixed(1),
        p.p99.toFixed(1),
        target,
      ];
    };
    const table = new Table({
      head: ['', 'commands', 'commands/s', 'p50 ms', 'p99 ms', 'target'],
      style: { head: [] },
    });
    table.push(
      row(`GraphQL over HTTP, ${CLIENTS} clients`, graphql, '≥ 1,000/s, p99 ≤ 50 ms'),
      row(`command handler in-process, ${CLIENTS} callers (baseline)`, baseline, ''),
    );
    process.stdout.write(
      `\nHousehold commands, durable PostgreSQL, ${new Date().toISOString()}\n${table.toString()}\n`,
    );
    const summary = (m: Measured) => ({
      commands: m.commands,
      refusedAsPlanned: m.refused,
      seconds: m.seconds,
      commandsPerSecond: m.commands / m.seconds,
      latencyMs: percentiles(m.latencies),
    });
    await writeResult('commands', {
      date: new Date().toISOString(),
      clients: CLIENTS,
      graphql: summary(graphql),
      baseline: summary(baseline),
    });
  } finally {
    await service.stop();
  }
}

if (args.child) {
  const send = graphqlSender(args.child, args.token as string);
  await run(workload(900).slice(0, CLIENTS * 2), send);
  const measured = await run(workload(Number(args.seed)), send);
  process.send?.(measured, () => process.exit(0));
} else {
  await main();
}
