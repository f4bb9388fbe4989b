/**
 * `pnpm projections:rebuild`: builds the next version of the registry read models into new
 * tables from the start of the log while the active version keeps serving, shows progress,
 * and switches to it once it has caught up. A running service follows the switch.
 *
 * A build that was killed (or built with --no-switch) is resumed, from its last committed
 * chunk, rather than another started; --fresh drops it and starts anew. After a switch, every
 * version but the new one and the one it replaces (which running services may still serve
 * for a few seconds) is dropped: killed builds, failed ones, old ones.
 *
 * Options: --no-switch (build only), --fresh, --batch N (events per batch when replaying the
 * log), --streams N (households per transaction when building stream by stream, default 100).
 */
import { parseArgs } from 'node:util';
import {
  activeVersion,
  dropVersion,
  knownVersions,
  nextVersion,
  ProjectionRunner,
  RegistryProjection,
  switchVersion,
  unfinishedVersion,
} from '@registry/projections';
import { HOUSEHOLD_STREAM_PREFIX } from '@registry/schema';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../config.js';
import { connectForCli } from './connect.js';

const { values: args } = parseArgs({
  options: {
    'no-switch': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    batch: { type: 'string', default: '5000' },
    streams: { type: 'string', default: '100' },
  },
});

async function main(): Promise<void> {
  const config = loadConfig();
  const { pool, store, close } = await connectForCli(config);
  try {
    const active = await activeVersion(pool, 'registry');
    const unfinished = await unfinishedVersion(pool, 'registry');
    if (unfinished !== undefined && args.fresh) {
      await dropVersion(pool, 'registry', unfinished, Object.values(new RegistryProjection(store, unfinished).tables));
      process.stdout.write(`dropped the unfinished build registry_v${unfinished} (--fresh)\n`);
    }
    const resuming = unfinished !== undefined && !args.fresh;
    const version = resuming ? unfinished : await nextVersion(pool, 'registry');
    if (resuming) {
      process.stdout.write(
        `resuming registry_v${version}, started earlier and not switched to, from its last committed chunk (--fresh starts anew)\n`,
      );
    }
    const head = (await store.headPosition()) ?? null;
    // Only the PostgreSQL log can count its events cheaply; without a total the bar counts up.
    const total = (await store.countEvents?.([HOUSEHOLD_STREAM_PREFIX])) ?? 0;
    process.stdout.write(
      `rebuilding registry read models: v${active} serves, building v${version} from ${total.toLocaleString('en')} events\n`,
    );
    const bar = new SingleBar({ format: '  {bar} {value}/{total} events | {rate} ev/s | {state}', hideCursor: true });
    bar.start(Math.max(total, 1), 0, { rate: 0, state: 'starting' });
    const projection = new RegistryProjection(store, version);
    const runner = new ProjectionRunner({
      store,
      pool,
      projection,
      batchSize: Number(args.batch),
      bulkStreams: Number(args.streams),
    });
    const tick = setInterval(() => {
      const s = runner.status();
      bar.update(s.processed, { rate: Math.round(s.eventsPerSecond), state: s.state });
    }, 200);
    await runner.start();
    try {
      if (head) await runner.waitFor(head, 24 * 3600 * 1000);
    } finally {
      clearInterval(tick);
      const s = runner.status();
      bar.update(s.processed, { rate: Math.round(s.eventsPerSecond), state: s.state });
      bar.stop();
      await runner.stop();
    }
    if (args['no-switch']) {
      process.stdout.write(`built registry_v${version}; not switched (v${active} still serves)\n`);
    } else {
      await switchVersion(pool, 'registry', version, head);
      process.stdout.write(
        `switched: registry_v${version} now serves (was v${active}); a running service moves to it once it has caught up\n`,
      );
      // Nothing else is left half built or forgotten: the replaced version stays while running
      // services move off it (the next rebuild drops it).
      for (const old of await knownVersions(pool, 'registry')) {
        if (old === version || old === active) continue;
        await dropVersion(pool, 'registry', old, Object.values(new RegistryProjection(store, old).tables));
        process.stdout.write(`dropped registry_v${old}\n`);
      }
    }
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
