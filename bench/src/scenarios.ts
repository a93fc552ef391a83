/**
 * The scenarios of `pnpm bench`, each run against every target in turn.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { z } from 'zod';
import { setUpChorus } from './chorusSetup.ts';
import { type BenchClient, benchText, connect, now } from './clients.ts';
import { placed } from './placement.ts';
import { cpuSeconds, latencySummary, memory, merge, savedSummary } from './stats.ts';
import { type RunningTarget, startTarget } from './targets.ts';
import {
  type ClientSpec,
  type Command,
  type Histogram,
  isChorus,
  type Report,
  type TargetKind,
} from './types.ts';

const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** One process per core: with two cores, two generators share the machine with the server. */
const GENERATORS = 2;

export interface LoadScenario {
  name: string;
  documents: number;
  clientsPerDocument: number;
  rate: number;
  durationMs: number;
  joinBatch: number;
}

export interface LoadResult {
  scenario: string;
  target: TargetKind;
  clients: number;
  durationS: number;
  sent: number;
  delivered: number;
  expectedDeliveries: number;
  deliveredPerS: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  savedMs: { p50: number | null; p99: number | null; samples: number } | null;
  lost: number;
  divergedDocuments: number;
  serverCpuS: number;
  serverPeakRssMiB: number;
  generatorCpuS: number;
  generatorCpuPerCore: number;
  joinS: number;
  /** Which round of the run this is (1 unless `--rounds` asked for more). */
  round: number;
  /**
   * The raw latency histograms, so rounds can be pooled (see `pooledLoad`). For Chorus
   * also the server's own share, from its `sync.latency` log line as it stopped: how long
   * it held each edit before relaying it, and how long each journal commit took.
   */
  histograms: {
    latency: Histogram;
    saved: Histogram | null;
    serverHeld: Histogram | null;
    serverCommit: Histogram | null;
  };
}

/** Bucket (tenths of a millisecond) to count, as the server logs it. */
const histogramSchema = z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative());

/** The server-side histograms of the last `sync.latency` line a Chorus server logged. */
export function serverShare(logs: readonly Record<string, unknown>[]): {
  serverHeld: Histogram | null;
  serverCommit: Histogram | null;
} {
  const line = logs.filter((l) => l.event === 'sync.latency').at(-1);
  const histogram = (v: unknown): Histogram | null => {
    const parsed = histogramSchema.safeParse(v);
    return parsed.success ? parsed.data : null;
  };
  return {
    serverHeld: histogram(line?.heldHistogram),
    serverCommit: histogram(line?.commitHistogram),
  };
}

class Generator {
  readonly child: ChildProcess;
  #waiting: ((r: Report) => void)[] = [];
  constructor(id: number) {
    const start = placed('generator', process.execPath, ['--import', 'tsx', 'src/generator.ts']);
    this.child = spawn(start.file, start.args, {
      cwd: benchRoot,
      env: { ...process.env, BENCH_GENERATOR_ID: String(id) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (r: Report) => {
      const waiter = this.#waiting.shift();
      waiter?.(r);
    });
  }
  ask<T extends Report['type']>(
    command: Command,
    expect: T,
    timeoutMs: number,
  ): Promise<Extract<Report, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`generator gave no ${expect} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiting.push((r) => {
        clearTimeout(timer);
        if (r.type === 'error') reject(new Error(`generator: ${r.message}`));
        else if (r.type !== expect) reject(new Error(`generator sent ${r.type}, not ${expect}`));
        else resolve(r as Extract<Report, { type: T }>);
      });
      this.child.send(command);
    });
  }
  exit(): void {
    if (this.child.connected) this.child.send({ type: 'exit' } satisfies Command);
  }
}

interface Room {
  name: string;
  cookies: string[];
}

/**
 * Accounts that only open documents to prepare them (Chorus), so the per-account
 * connection cap of 20 is never reached while batches of documents are prepared.
 */
const PREPARERS = 5;

/** Resolves with `work`, or fails with `what` after `ms`: a stuck step must not hang a run. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms).unref(),
    ),
  ]);
}

/** Document names and, for Chorus, signed-in accounts for each client. */
async function rooms(
  target: RunningTarget,
  documents: number,
  clientsPerDocument: number,
): Promise<{ rooms: Room[]; origin?: string; owner?: string; preparers?: string[] }> {
  if (!isChorus(target.kind)) {
    return {
      rooms: Array.from({ length: documents }, (_, i) => ({ name: `bench-${i}`, cookies: [] })),
    };
  }
  const clients = documents * clientsPerDocument;
  // One account per person up to 150; beyond that, each account has at most 16 connections
  // open, under the shipped cap of 20 per account. Account 0 only prepares the documents.
  const accounts = Math.min(clients, Math.max(150, Math.ceil(clients / 16)));
  const people = await setUpChorus(target, accounts + PREPARERS, documents);
  const preparers = people.cookies.slice(0, PREPARERS);
  const others = people.cookies.slice(PREPARERS);
  let next = 0;
  return {
    origin: people.origin,
    owner: preparers[0],
    preparers,
    rooms: people.documents.map((name) => ({
      name,
      cookies: Array.from(
        { length: clientsPerDocument },
        () => others[next++ % others.length] ?? '',
      ),
    })),
  };
}

function specFor(target: RunningTarget, room: Room, i: number, origin?: string): ClientSpec {
  return {
    kind: target.kind,
    url: target.wsUrl,
    document: room.name,
    cookie: room.cookies[i],
    origin,
  };
}

/**
 * Opens each document once and appends the paragraph the clients will type into. The
 * preparing client stays until the generators have joined: the in-memory servers drop a
 * document when its last client leaves, and the relay has no copy of its own at all.
 */
async function prepare(
  target: RunningTarget,
  list: Room[],
  origin: string | undefined,
  preparers: string[] | undefined,
): Promise<BenchClient[]> {
  const out: BenchClient[] = [];
  // Chorus keeps what it confirmed saved, so its preparing connections close at once and
  // stay under the per-account connection cap.
  const persistent = isChorus(target.kind);
  const size = persistent ? 10 : 50;
  for (let i = 0; i < list.length; i += size) {
    const batch = list.slice(i, i + size).map((room, k) =>
      connect({
        kind: target.kind,
        url: target.wsUrl,
        document: room.name,
        cookie: preparers?.[k % preparers.length],
        origin,
      }),
    );
    await Promise.all(
      batch.map(async (client) => {
        // The relay has no one to answer the first client's sync; it starts empty anyway.
        if (target.kind !== 'relay') await within(client.synced, 60_000, 'preparing a document');
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText()]);
        client.doc.getXmlFragment('default').push([paragraph]);
        if (persistent) {
          const deadline = Date.now() + 60_000;
          while (client.savedLatencies.length < 1) {
            if (Date.now() > deadline)
              throw new Error('a prepared paragraph was not saved in 60 s');
            await new Promise((r) => setTimeout(r, 10));
          }
          client.destroy();
        }
      }),
    );
    if (!persistent) out.push(...batch);
  }
  await new Promise((r) => setTimeout(r, 500));
  return out;
}

export async function runLoad(
  kind: TargetKind,
  scenario: LoadScenario,
  log: (s: string) => void,
): Promise<LoadResult> {
  const target = await startTarget(kind);
  const generators: Generator[] = [];
  try {
    const setup = await rooms(target, scenario.documents, scenario.clientsPerDocument);
    const preparers = await prepare(target, setup.rooms, setup.origin, setup.preparers);
    const plans: ClientSpec[][] = Array.from({ length: GENERATORS }, () => []);
    let n = 0;
    for (const room of setup.rooms) {
      for (let i = 0; i < scenario.clientsPerDocument; i++) {
        plans[n++ % GENERATORS]?.push(specFor(target, room, i, setup.origin));
      }
    }
    for (let g = 0; g < GENERATORS; g++) generators.push(new Generator(g));
    const joinStarted = now();
    await Promise.all(
      generators.map((g, i) =>
        g.ask(
          {
            type: 'plan',
            plan: { clients: plans[i] ?? [], rate: scenario.rate, joinBatch: scenario.joinBatch },
          },
          'ready',
          600_000,
        ),
      ),
    );
    const joinS = (now() - joinStarted) / 1000;
    for (const p of preparers) p.destroy();
    await new Promise((r) => setTimeout(r, 2000));

    const cpuBefore = cpuSeconds(target.pid);
    const started = now();
    const ran = await Promise.all(
      generators.map((g) =>
        g.ask({ type: 'go', durationMs: scenario.durationMs }, 'ran', scenario.durationMs + 60_000),
      ),
    );
    const durationS = (now() - started) / 1000;
    const serverCpuS = cpuSeconds(target.pid) - cpuBefore;

    const expected: Record<string, number> = {};
    for (const r of ran)
      for (const [d, k] of Object.entries(r.sent)) expected[d] = (expected[d] ?? 0) + k;
    const settled = await Promise.all(
      generators.map((g) =>
        g.ask({ type: 'settle', expectedTokens: expected, timeoutMs: 120_000 }, 'settled', 180_000),
      ),
    );
    let lost = 0;
    let diverged = 0;
    for (const [d, want] of Object.entries(expected)) {
      const hashes = new Set<string>();
      let min = Number.POSITIVE_INFINITY;
      for (const s of settled) {
        const v = s.documents[d];
        if (!v) continue;
        for (const h of v.hashes) hashes.add(h);
        min = Math.min(min, v.minTokens);
      }
      lost += Math.max(0, want - min);
      if (hashes.size > 1) diverged++;
    }

    const latency: Histogram = {};
    const saved: Histogram = {};
    for (const r of ran) {
      merge(latency, r.latency);
      merge(saved, r.saved);
    }
    const sent = Object.values(expected).reduce((a, b) => a + b, 0);
    const delivered = ran.reduce((a, r) => a + r.received, 0);
    const generatorCpuS = ran.reduce((a, r) => a + r.cpuMs, 0) / 1000;
    const result: LoadResult = {
      scenario: scenario.name,
      target: kind,
      clients: scenario.documents * scenario.clientsPerDocument,
      durationS,
      sent,
      delivered,
      expectedDeliveries: sent * (scenario.clientsPerDocument - 1),
      deliveredPerS: delivered / durationS,
      latencyMs: latencySummary(latency),
      savedMs: isChorus(kind) ? savedSummary(saved) : null,
      lost,
      divergedDocuments: diverged,
      serverCpuS,
      serverPeakRssMiB: memory(target.pid).peak / 2 ** 20,
      generatorCpuS,
      generatorCpuPerCore: generatorCpuS / GENERATORS / durationS,
      joinS,
      round: 1,
      histograms: {
        latency,
        saved: isChorus(kind) ? saved : null,
        serverHeld: null,
        serverCommit: null,
      },
    };
    // Chorus logs its own share of the latency as it stops.
    for (const g of generators) g.exit();
    await target.stop();
    if (isChorus(kind)) Object.assign(result.histograms, serverShare(target.logs));
    log(
      `  ${kind}: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, delivered ${Math.round(result.deliveredPerS)}/s, lost ${lost}, diverged ${diverged}`,
    );
    return result;
  } finally {
    for (const g of generators) g.exit();
    await target.stop();
  }
}

export interface ColdLoadResult {
  target: TargetKind;
  edits: number;
  buildS: number;
  /** A new client joining while the document is in memory: connect until its text is complete. */
  warmSyncMs: number[];
  /** Chorus only: the document unloaded, loaded again from SQLite for a new client. */
  coldSyncMs: number[] | null;
  /**
   * Chorus only: from the start of the server's load until it had sent the new client the
   * whole document, from its log. A new client is answered from the stored snapshot
   * before the server integrates it; this is the server side of its wait.
   */
  serverServedMs: number[] | null;
  /** Chorus only: the server's whole load (snapshot, journal tail, ledger), from its log. */
  serverLoadMs: number[] | null;
  serverPeakRssMiB: number;
}

async function untilComplete(
  client: BenchClient,
  length: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await client.synced;
  while ((benchText(client.doc)?.length ?? 0) < length) {
    if (Date.now() > deadline) throw new Error(`document incomplete after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * Builds a document from `edits` single-character insertions at random places (each its
 * own Yjs item and, on Chorus, its own journal row), then times how long a new client
 * takes to hold the whole document.
 */
export async function runColdLoad(
  kind: TargetKind,
  edits: number,
  log: (s: string) => void,
): Promise<ColdLoadResult> {
  const target = await startTarget(kind, {
    // The builder sends every edit as fast as it can; the shipped limit of 200 messages a
    // second per connection would make building take minutes. Loading is unaffected.
    CHORUS_MAX_MESSAGES_PER_SECOND: '1000000',
    CHORUS_MAX_BYTES_PER_SECOND: String(512 * 2 ** 20),
    CHORUS_IDLE_UNLOAD_MS: '1000',
  });
  const opened: BenchClient[] = [];
  try {
    const setup = await rooms(target, 1, 1);
    const room = setup.rooms[0] as Room;
    const open = () => {
      const c = connect({
        kind,
        url: target.wsUrl,
        document: room.name,
        cookie: setup.owner,
        origin: setup.origin,
      });
      opened.push(c);
      return c;
    };
    const built = now();
    const builder = open();
    if (kind !== 'relay') await builder.synced;
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    builder.doc.getXmlFragment('default').push([paragraph]);
    const letters = 'abcdefghijklmnopqrstuvwxyz ';
    for (let i = 0; i < edits; i++) {
      text.insert(
        Math.floor(Math.random() * (text.length + 1)),
        letters[i % letters.length] ?? 'a',
      );
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    // Wait until the server holds everything: a first reader sees the whole text.
    if (isChorus(kind)) {
      while (builder.savedLatencies.length < edits) await new Promise((r) => setTimeout(r, 50));
    }
    const first = open();
    await untilComplete(first, edits, 300_000);
    first.destroy();
    const buildS = (now() - built) / 1000;

    const warmSyncMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = now();
      const c = open();
      await untilComplete(c, edits, 60_000);
      warmSyncMs.push(now() - t0);
      c.destroy();
      await new Promise((r) => setTimeout(r, 200));
    }

    let coldSyncMs: number[] | null = null;
    let serverLoadMs: number[] | null = null;
    let serverServedMs: number[] | null = null;
    if (isChorus(kind)) {
      coldSyncMs = [];
      serverLoadMs = [];
      serverServedMs = [];
      builder.destroy();
      for (let i = 0; i < 3; i++) {
        // Idle unload after 1 s with nobody connected.
        await new Promise((r) => setTimeout(r, 2500));
        const loadsBefore = target.logs.filter((l) => l.event === 'document.loaded').length;
        const t0 = now();
        const c = open();
        await untilComplete(c, edits, 60_000);
        coldSyncMs.push(now() - t0);
        c.destroy();
        // The client may hold the document before the server has finished its own load.
        const deadline = Date.now() + 30_000;
        let loads = target.logs.filter((l) => l.event === 'document.loaded');
        while (loads.length === loadsBefore && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
          loads = target.logs.filter((l) => l.event === 'document.loaded');
        }
        if (loads.length === loadsBefore) throw new Error('the document was not loaded again');
        const last = loads[loads.length - 1];
        serverLoadMs.push(Number(last?.ms));
        // Without a snapshot-first answer, the client is answered once the load is done.
        serverServedMs.push(Number(last?.servedMs ?? last?.ms));
        log(
          `    server: whole document sent at ${last?.servedMs ?? 'load end'} ms; load ${last?.ms} ms: read ${last?.readMs}, Yjs apply ${last?.applyMs}, ledger ${last?.ledgerMs}`,
        );
      }
    }
    const result: ColdLoadResult = {
      target: kind,
      edits,
      buildS,
      warmSyncMs,
      coldSyncMs,
      serverServedMs,
      serverLoadMs,
      serverPeakRssMiB: memory(target.pid).peak / 2 ** 20,
    };
    log(
      `  ${kind}: warm ${warmSyncMs.map((x) => x.toFixed(0)).join('/')} ms` +
        (coldSyncMs
          ? `, cold ${coldSyncMs.map((x) => x.toFixed(0)).join('/')} ms, server sent it at ${serverServedMs?.join('/')} ms, loaded at ${serverLoadMs?.join('/')} ms`
          : ''),
    );
    return result;
  } finally {
    for (const c of opened) c.destroy();
    await target.stop();
  }
}

export interface IdleResult {
  target: TargetKind;
  connections: number;
  baselineRssMiB: number;
  rssMiB: number;
  perConnectionKiB: number;
  joinS: number;
}

/** Opens `connections` idle, synced providers over 100 documents and reads the server's RSS. */
export async function runIdle(
  kind: TargetKind,
  connections: number,
  log: (s: string) => void,
): Promise<IdleResult> {
  const target = await startTarget(kind);
  const generators: Generator[] = [];
  try {
    const documents = 100;
    const setup = await rooms(target, documents, connections / documents);
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = memory(target.pid).rss;
    const preparers = await prepare(target, setup.rooms, setup.origin, setup.preparers);
    const plans: ClientSpec[][] = Array.from({ length: GENERATORS }, () => []);
    let n = 0;
    for (const room of setup.rooms) {
      for (let i = 0; i < connections / documents; i++) {
        plans[n++ % GENERATORS]?.push(specFor(target, room, i, setup.origin));
      }
    }
    for (let g = 0; g < GENERATORS; g++) generators.push(new Generator(g));
    const t0 = now();
    await Promise.all(
      generators.map((g, i) =>
        g.ask(
          { type: 'plan', plan: { clients: plans[i] ?? [], rate: 0, joinBatch: 100 } },
          'ready',
          900_000,
        ),
      ),
    );
    const joinS = (now() - t0) / 1000;
    for (const p of preparers) p.destroy();
    await new Promise((r) => setTimeout(r, 5000));
    const rss = memory(target.pid).rss;
    const result: IdleResult = {
      target: kind,
      connections,
      baselineRssMiB: baseline / 2 ** 20,
      rssMiB: rss / 2 ** 20,
      perConnectionKiB: (rss - baseline) / 1024 / connections,
      joinS,
    };
    log(
      `  ${kind}: ${result.rssMiB.toFixed(0)} MiB RSS (${result.perConnectionKiB.toFixed(1)} KiB per connection)`,
    );
    return result;
  } finally {
    for (const g of generators) g.exit();
    await target.stop();
  }
}
