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
 * With --processes N (2 or more), the same clients are then spread over N API processes
 * (ROLE=api, child processes on the same database; the bench's own service runs the
 * projections), on households of their own: the rate beside one process's, and the machine's
 * core count, which bounds it (#30: ≥ 1.5× where cores allow).
 *
 * Options: --households N per side (default 240), --clients N (default 8), --processes N (default 1).
 */
import { fork } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { freePort } from '@registry/postgres';
import { HouseholdCommandHandler, RuleViolation } from '@registry/registry';
import { NATIONAL_POLICY } from '@registry/schema';
import Table from 'cli-table3';
import { GraphQLClient } from 'graphql-request';
import { issueToken } from '../../services/api/src/auth.js';
import { type Running, startService, stopService } from '../../services/api/test/service.js';
import { type PlannedCommand, planCounty, planHousehold } from '../simulator/plan.js';
import { percentiles, SECRET, startBenchService, writeResult } from './support.js';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '240' },
    clients: { type: 'string', default: '8' },
    child: { type: 'string' },
    side: { type: 'string' },
    processes: { type: 'string', default: '1' },
  },
});
const PROCESSES = Number(args.processes);
/** Households are dealt to this many sides: in-process, one API process, and N API processes. */
const SIDES = PROCESSES >= 2 ? 3 : 2;
const HOUSEHOLDS = Number(args.households);
const CLIENTS = Number(args.clients);

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A planned command and the village of its household (the GraphQL side signs in by area). */
type Planned = PlannedCommand & { village: string };

/**
 * The households of one side: `warm` (a few to warm up on) and `measured`. Both sides take
 * their households from one simulated county (seed 1), alternately, so they do the same kind
 * of work and never share a person's ID number or a card number (each is issued once: two
 * counties planned with other seeds would repeat them).
 */
function workload(side: number): { warm: Planned[][]; measured: Planned[][] } {
  const seed = 1;
  const county = planCounty({ households: SIDES * (HOUSEHOLDS + 2 * CLIENTS), seed });
  // Each household's commands up to 2018, so every request is a real decision, not a replay.
  const all = county.townships.flatMap((t) =>
    t.villages.flatMap((v) =>
      v.households.map((h) =>
        planHousehold(seed, h, v.code)
          .filter((c) => c.recordOn < '2019-01-01')
          .map((c) => ({ ...c, village: v.code })),
      ),
    ),
  );
  const mine = all.filter((_, i) => i % SIDES === side);
  return { warm: mine.slice(0, 2 * CLIENTS), measured: mine.slice(2 * CLIENTS) };
}

/**
 * The area a GraphQL client signs in with for a command: the level that records its step
 * (村申请、乡审核、县审批, the policy's `dutyLevels`). In-process the simulator's actors carry no
 * level, so only the two-person rule applies there; through the API the token's area is the
 * level, as for a clerk. A notice (and its close) is the level of the review before it
 * (`review`: the household's last review).
 */
function areaFor(c: Planned, review: Planned | undefined): string {
  const township = `${c.village.slice(0, 9)}000`;
  const county = `${c.village.slice(0, 6)}000000`;
  if (c.actor.unit === county) return county;
  switch (c.type) {
    case 'RecordTownshipReview':
    case 'VerifyExit':
      return township;
    case 'RecordDataComparison':
      return county;
    case 'OpenPublicNotice':
    case 'ClosePublicNotice':
      return review?.type === 'RecordTownshipReview' ? township : c.village;
    default:
      return c.village;
  }
}

interface Measured {
  commands: number;
  refused: number;
  seconds: number;
  latencies: number[];
}

async function run(households: Planned[][], send: (c: Planned, review?: Planned) => Promise<'ok' | 'refused'>) {
  const queue = [...households];
  const measured: Measured = { commands: 0, refused: 0, seconds: 0, latencies: [] };
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let household = queue.shift(); household; household = queue.shift()) {
        let review: Planned | undefined;
        for (const command of household) {
          const t = performance.now();
          const outcome = await send(command, review);
          // A notice belongs to the review before it: remember the household's last review.
          if (command.type === 'RecordVillageReview' || command.type === 'RecordTownshipReview') review = command;
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

function graphqlSender(urls: string[]) {
  // Client i talks to process i mod N, as a balancer would spread connections.
  const clients = Array.from({ length: CLIENTS }, (_, i) => new GraphQLClient(`${urls[i % urls.length]}/graphql`));
  // One clerk per area, signed in once (a token is verified once and then cached, as in use).
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (area: string) => {
    let token = tokens.get(area);
    if (!token) {
      token = issueToken(SECRET, { sub: `bench-clerk-${area}`, role: 'clerk', unit: area, area });
      tokens.set(area, token);
    }
    return token;
  };
  let next = 0;
  return async (c: Planned, review?: Planned): Promise<'ok' | 'refused'> => {
    const client = clients[next++ % CLIENTS] as GraphQLClient;
    const field = lowerFirst(c.type);
    const hasData = Object.keys(c.data).length > 0;
    const token = await tokenFor(areaFor(c, review));
    const response = await client.request<Record<string, { __typename: string; message?: string }>>(
      `mutation($id: ID!, $input: ${c.type}Input!) { ${field}(commandId: $id, input: $input) { __typename ... on Problem { message } } }`,
      {
        id: c.commandId,
        input: {
          householdId: c.householdId,
          effectiveAt: c.effectiveAt,
          ...(c.reason ? { reason: c.reason } : {}),
          ...(hasData ? { data: c.data } : {}),
        },
      },
      { authorization: `Bearer ${token}` },
    );
    const answer = response[field];
    if (answer?.__typename === 'CommandSuccess') return 'ok';
    if (answer?.__typename === 'RuleViolation' && c.refused) return 'refused';
    throw new Error(
      `${c.type} for household ${c.household}: ${answer?.__typename}${answer?.message ? ` ${answer.message}` : ''}`,
    );
  };
}

/** The GraphQL clients, in a child process: warm-up households, then the measured ones. */
function graphqlInChild(urls: string[], side: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = fork(
      new URL(import.meta.url).pathname,
      [
        '--child',
        urls.join(','),
        '--side',
        String(side),
        '--households',
        String(HOUSEHOLDS),
        '--clients',
        String(CLIENTS),
        '--processes',
        String(PROCESSES),
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
    const handler = new HouseholdCommandHandler(service.infrastructure.eventStore, { policy: NATIONAL_POLICY });
    const viaHandler = async (c: Planned): Promise<'ok' | 'refused'> => {
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

    const graphql = await graphqlInChild([service.url], 0);
    // Warm the in-process path on a few households first, as the child warms its own.
    const households = workload(1);
    await run(households.warm, viaHandler);
    const baseline = await run(households.measured, viaHandler);

    // The same clients spread over N API processes on the same database, on households of their own.
    let spread: Measured | undefined;
    if (PROCESSES >= 2) {
      const key = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const apis: Running[] = [];
      try {
        for (let i = 0; i < PROCESSES; i++) {
          apis.push(
            await startService({
              ROLE: 'api',
              PORT: String(await freePort()),
              DATABASE_URL: service.databaseUrl,
              JWT_SECRET: SECRET,
              LOG_SIGNING_KEY: key,
              LOG_LEVEL: 'info',
            }),
          );
        }
        spread = await graphqlInChild(
          apis.map((a) => a.url),
          2,
        );
      } finally {
        for (const api of apis) await stopService(api);
      }
    }

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
    if (spread) {
      const ratio = spread.commands / spread.seconds / (graphql.commands / graphql.seconds);
      table.push(
        row(
          `GraphQL over HTTP, ${CLIENTS} clients over ${PROCESSES} API processes (${availableParallelism()} cores): ${ratio.toFixed(2)}× one`,
          spread,
          '≥ 1.5× one process where cores allow',
        ),
      );
    }
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
      cores: availableParallelism(),
      ...(spread
        ? {
            processes: PROCESSES,
            spread: summary(spread),
            spreadRatio: spread.commands / spread.seconds / (graphql.commands / graphql.seconds),
          }
        : {}),
    });
  } finally {
    await service.stop();
  }
}

if (args.child) {
  const send = graphqlSender(args.child.split(','));
  const households = workload(Number(args.side ?? 0));
  await run(households.warm, send);
  const measured = await run(households.measured, send);
  process.send?.(measured, () => process.exit(0));
} else {
  await main();
}
