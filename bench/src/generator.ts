/**
 * A load-generator process: it runs the clients the orchestrator assigns to it, types at
 * the planned rate, and reports what it measured. Run by run.ts, one process per core, so
 * the clients never share an event loop with the server they measure.
 */
import { createHash } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { type BenchClient, benchText, connect, now } from './clients.ts';
import { record } from './stats.ts';
import type { Command, GeneratorPlan, Histogram, Report } from './types.ts';

// Every y-websocket provider registers an exit handler; thousands are expected here.
process.setMaxListeners(0);

const generatorId = process.env.BENCH_GENERATOR_ID ?? '0';

function send(report: Report): void {
  process.send?.(report);
}

/** Each edit is one token; `{` appears nowhere else, so counting it counts the edits. */
function countTokens(s: string): number {
  let n = 0;
  for (let i = s.indexOf('{'); i !== -1; i = s.indexOf('{', i + 1)) n++;
  return n;
}

const TOKEN = /^\{(\d+\.\d+)\.\d+@([0-9.]+)\}$/;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const ascii = new TextDecoder();

/**
 * The edits in a frame, read from the wire as it arrives: the tokens are plain ASCII in the
 * update's bytes, so scanning for them is far cheaper than asking Yjs (a delta walks the
 * whole text; even decoding the update doubles the work the provider already does). This
 * keeps the generators light. Only update messages count; sync replies carry history.
 */
function tokensIn(frame: Uint8Array, hocuspocus: boolean): [string, number][] {
  let at = 0;
  try {
    const d = decoding.createDecoder(frame);
    if (hocuspocus) decoding.readVarString(d); // the document name
    if (decoding.readVarUint(d) !== 0) return []; // not a sync message
    if (decoding.readVarUint(d) !== 2) return []; // not an update
    at = d.pos;
  } catch {
    return []; // not a message this reader understands; the provider handles it
  }
  const out: [string, number][] = [];
  for (let open = frame.indexOf(OPEN, at); open !== -1; open = frame.indexOf(OPEN, open + 1)) {
    const close = frame.indexOf(CLOSE, open);
    if (close === -1) break;
    const m = TOKEN.exec(ascii.decode(frame.subarray(open, close + 1)));
    if (m) out.push([m[1] ?? '', Number(m[2])]);
  }
  return out;
}

interface Running {
  client: BenchClient;
  document: string;
  text: Y.XmlText;
  seq: number;
}

let plan: GeneratorPlan | null = null;
const running: Running[] = [];
let measuring = false;
let received = 0;
const latency: Histogram = {};
const sent: Record<string, number> = {};

async function join(p: GeneratorPlan): Promise<void> {
  const started = now();
  for (let i = 0; i < p.clients.length; i += p.joinBatch) {
    const batch = p.clients.slice(i, i + p.joinBatch).map((spec, k) => {
      const self = `${generatorId}.${running.length + k}`;
      const onFrame = (frame: Uint8Array) => {
        if (!measuring) return;
        const t = now();
        for (const [author, sentAt] of tokensIn(frame, spec.kind === 'hocuspocus')) {
          if (author === self) continue; // the reference server echoes edits to their sender
          received++;
          record(latency, t - sentAt);
        }
      };
      return { spec, client: connect(spec, p.rate > 0 ? onFrame : undefined) };
    });
    await Promise.all(
      batch.map(({ client, spec }) =>
        Promise.race([
          // On the relay nobody may be left to answer a late idle joiner's sync (it keeps
          // no copy), so an idle relay client counts as joined once its socket is open.
          p.rate === 0 && spec.kind === 'relay' ? client.connected : client.synced,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`${spec.document} did not sync in 60 s`)), 60_000),
          ),
        ]),
      ),
    );
    for (const { client, spec } of batch) {
      const text = benchText(client.doc);
      if (p.rate > 0 && !text) throw new Error(`${spec.document} has no paragraph to type into`);
      running.push({ client, document: spec.document, text: text ?? new Y.XmlText(), seq: 0 });
    }
  }
  send({ type: 'ready', joinMs: now() - started });
}

function type(r: Running, index: number): void {
  const s = r.text.toString();
  // Insert between tokens (never inside one) at a random place, as people type all over.
  const from = Math.floor(Math.random() * (s.length + 1));
  const close = s.indexOf('}', from);
  const at = close === -1 ? s.length : close + 1;
  r.seq++;
  r.text.insert(at, `{${generatorId}.${index}.${r.seq}@${now().toFixed(3)}}`);
  sent[r.document] = (sent[r.document] ?? 0) + 1;
}

async function go(durationMs: number): Promise<void> {
  if (!plan) throw new Error('go before plan');
  const rate = plan.rate;
  const cpuBefore = process.cpuUsage();
  const timers: NodeJS.Timeout[] = [];
  measuring = true;
  if (rate > 0) {
    const every = 1000 / rate;
    running.forEach((r, i) => {
      // A random phase per client, so edits are spread rather than in lockstep.
      timers.push(
        setTimeout(() => {
          type(r, i);
          timers.push(setInterval(() => type(r, i), every));
        }, Math.random() * every),
      );
    });
  }
  await new Promise((r) => setTimeout(r, durationMs));
  for (const t of timers) clearTimeout(t);
  const cpu = process.cpuUsage(cpuBefore);
  const saved: Histogram = {};
  for (const r of running) for (const ms of r.client.savedLatencies) record(saved, ms);
  send({
    type: 'ran',
    sent,
    received,
    latency,
    saved,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  });
}

async function settle(expected: Record<string, number>, timeoutMs: number): Promise<void> {
  measuring = false;
  const deadline = Date.now() + timeoutMs;
  const complete = () =>
    running.every((r) => countTokens(r.text.toString()) >= (expected[r.document] ?? 0));
  while (!complete() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const documents: Record<string, { hashes: string[]; minTokens: number }> = {};
  for (const r of running) {
    const s = r.text.toString();
    const d = documents[r.document] ?? { hashes: [], minTokens: Number.POSITIVE_INFINITY };
    const hash = createHash('sha1').update(s).digest('hex');
    if (!d.hashes.includes(hash)) d.hashes.push(hash);
    d.minTokens = Math.min(d.minTokens, countTokens(s));
    documents[r.document] = d;
  }
  send({ type: 'settled', documents });
}

process.on('message', (command: Command) => {
  const work = (() => {
    switch (command.type) {
      case 'plan':
        plan = command.plan;
        return join(command.plan);
      case 'go':
        return go(command.durationMs);
      case 'settle':
        return settle(command.expectedTokens, command.timeoutMs);
      case 'exit':
        for (const r of running) r.client.destroy();
        setTimeout(() => process.exit(0), 100);
        return Promise.resolve();
    }
  })();
  work.catch((err: unknown) => {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  });
});
