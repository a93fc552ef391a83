/**
 * `pnpm bench`: Chorus side by side with the reference y-websocket server, Hocuspocus 4
 * and a raw relay, in one run, scenario by scenario. Prints a markdown table and writes
 * `bench/results/latest.json` and `latest.md`.
 *
 *   pnpm bench                          everything (about 20 minutes on 2 cores)
 *   pnpm bench --quick                  short smoke run of every scenario
 *   pnpm bench --scenarios workshop,cold --targets chorus,reference
 *   pnpm bench --rounds 3 --scenarios workshop,manyDocs
 *                                       each load scenario three times, servers
 *                                       alternating; targets judged on the pooled samples
 *   pnpm bench --pin                    each server on a core of its own, the generators
 *                                       on the others
 *   pnpm bench --variant CHORUS_JOURNAL_THREAD=writer --targets chorus
 *                                       adds Chorus with those settings as a further
 *                                       server (an A/B run of a setting)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { bundleSizes } from './bundle.ts';
import { cores, pinFromNowOn } from './placement.ts';
import { type BenchResults, markdown } from './report.ts';
import { type LoadScenario, runColdLoad, runIdle, runLoad } from './scenarios.ts';
import { setVariant, TARGETS } from './targets.ts';
import type { TargetKind } from './types.ts';

const SCENARIO_NAMES = ['workshop', 'bigRoom', 'manyDocs', 'cold', 'idle'] as const;

const ROUNDS_ERROR = '--rounds must be a whole number from 1 to 10';
const VARIANT_ERROR =
  '--variant takes CHORUS_NAME=value settings separated by commas, e.g. CHORUS_JOURNAL_THREAD=writer';

const Args = z.object({
  quick: z.boolean(),
  pin: z.boolean(),
  scenarios: z.array(
    z.enum(SCENARIO_NAMES, { error: `scenarios are ${SCENARIO_NAMES.join(', ')}` }),
  ),
  targets: z.array(
    z.enum(['chorus', 'reference', 'hocuspocus', 'relay'], {
      error: `targets are ${TARGETS.join(', ')}`,
    }),
  ),
  rounds: z.coerce
    .number({ error: ROUNDS_ERROR })
    .int({ error: ROUNDS_ERROR })
    .min(1, { error: ROUNDS_ERROR })
    .max(10, { error: ROUNDS_ERROR }),
  variant: z
    .array(z.string().regex(/^CHORUS_[A-Z0-9_]+=[^,]*$/, { error: VARIANT_ERROR }))
    .optional(),
});

function parseArgs(argv: string[]): z.infer<typeof Args> {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const known = new Set(['--quick', '--pin', '--scenarios', '--targets', '--rounds', '--variant']);
  for (const a of argv) {
    if (a.startsWith('--') && !known.has(a)) {
      console.error(
        `Unknown option ${a}. Use --quick, --pin, --scenarios a,b, --targets a,b, --rounds n or --variant CHORUS_NAME=value.`,
      );
      process.exit(2);
    }
  }
  const parsed = Args.safeParse({
    quick: argv.includes('--quick'),
    pin: argv.includes('--pin'),
    scenarios: (value('--scenarios') ?? SCENARIO_NAMES.join(',')).split(','),
    targets: (value('--targets') ?? TARGETS.join(',')).split(','),
    rounds: value('--rounds') ?? '1',
    variant: value('--variant')?.split(','),
  });
  if (!parsed.success) {
    console.error(`pnpm bench: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    process.exit(2);
  }
  return parsed.data;
}

function loadScenarios(quick: boolean): Record<'workshop' | 'bigRoom' | 'manyDocs', LoadScenario> {
  const d = quick ? 5000 : 20_000;
  return {
    workshop: {
      name: 'workshop',
      documents: 1,
      clientsPerDocument: 30,
      rate: 2,
      durationMs: d,
      joinBatch: 10,
    },
    bigRoom: {
      name: 'big room',
      documents: 1,
      clientsPerDocument: quick ? 50 : 150,
      rate: 1,
      durationMs: d,
      joinBatch: 10,
    },
    manyDocs: {
      name: 'many documents',
      documents: quick ? 30 : 300,
      clientsPerDocument: 3,
      rate: 0.5,
      durationMs: d,
      joinBatch: 30,
    },
  };
}

async function main(): Promise<void> {
  // The preparing and measuring providers each register a process exit handler.
  process.setMaxListeners(0);
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => console.log(s);
  const variant = Object.fromEntries(
    (args.variant ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  setVariant(variant);
  const placement = cores();
  if (args.pin) {
    try {
      pinFromNowOn();
    } catch (err) {
      console.error(`pnpm bench: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    }
  }
  const targets: TargetKind[] = args.variant ? [...args.targets, 'variant'] : args.targets;
  const scenarios = loadScenarios(args.quick);
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version} (Hocuspocus on 22)`,
    quick: args.quick,
    rounds: args.rounds,
    variant: args.variant ? variant : undefined,
    pinned: args.pin && !('error' in placement) ? placement : undefined,
    load: [],
    cold: [],
    idle: [],
    failures: [],
    bundle: bundleSizes(),
  };
  // One server failing a scenario is a result to report, not a reason to lose the others.
  const attempt = async <T>(label: string, work: () => Promise<T>, into: T[]) => {
    try {
      into.push(await work());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`  ${label}: failed: ${message}`);
      results.failures.push(`${label}: ${message}`);
    }
  };
  let round = 0;
  // Alternate the order of servers from one scenario to the next, so none always runs first
  // on a cold machine or last on a warm one.
  const order = () => (round++ % 2 === 0 ? targets : [...targets].reverse());
  for (const name of args.scenarios) {
    if (name === 'workshop' || name === 'bigRoom' || name === 'manyDocs') {
      const s = scenarios[name];
      log(
        `${s.name}: ${s.documents} × ${s.clientsPerDocument} clients, ${s.rate} edits/s each, ${s.durationMs / 1000} s${args.rounds > 1 ? `, ${args.rounds} rounds` : ''}`,
      );
      // More rounds, servers alternating, because one run's p99 moves by half its value
      // from run to run on this machine; the report pools the rounds' samples.
      for (let r = 1; r <= args.rounds; r++) {
        for (const t of order()) {
          const label = `${s.name}, ${t}${args.rounds > 1 ? `, round ${r}` : ''}`;
          await attempt(
            label,
            async () => ({ ...(await runLoad(t, s, log)), round: r }),
            results.load,
          );
        }
      }
    } else if (name === 'cold') {
      const edits = args.quick ? 10_000 : 100_000;
      log(`cold load: a document of ${edits} single-character edits`);
      for (const t of order()) {
        await attempt(`cold load, ${t}`, () => runColdLoad(t, edits, log), results.cold);
      }
    } else {
      const connections = args.quick ? 1000 : 10_000;
      log(`idle: ${connections} connections over 100 documents`);
      for (const t of order()) {
        // 10,000 providers in 100 rooms kept the relay saturated for minutes while joining
        // (it saw 5,227 sockets after 80 s at 85% of a core), and a relay holds no
        // document, so its idle memory says nothing about a server's: it is left out.
        if (t === 'relay') continue;
        await attempt(`idle, ${t}`, () => runIdle(t, connections, log), results.idle);
      }
    }
  }
  const table = markdown(results);
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(dir, 'latest.md'), table);
  console.log(`\n${table}`);
  console.log(`Written: bench/results/latest.json and bench/results/latest.md`);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
