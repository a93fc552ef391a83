/** What the orchestrator (run.ts) and the generator processes (generator.ts) exchange. */

/** `variant` is Chorus again with the settings given to `--variant`, for an A/B run. */
export type TargetKind = 'chorus' | 'variant' | 'reference' | 'hocuspocus' | 'relay';

/** Chorus as shipped, or its `--variant`: signed-in clients, saved confirmations. */
export const isChorus = (kind: TargetKind): boolean => kind === 'chorus' || kind === 'variant';

export interface ClientSpec {
  kind: TargetKind;
  /** Base WebSocket URL; the provider appends the document name. */
  url: string;
  document: string;
  cookie?: string;
  origin?: string;
}

export interface GeneratorPlan {
  clients: ClientSpec[];
  /** Edits per second per client; 0 for idle connections. */
  rate: number;
  /** How many clients connect at once while joining. */
  joinBatch: number;
}

/** Orchestrator to generator. */
export type Command =
  | { type: 'plan'; plan: GeneratorPlan }
  | { type: 'go'; durationMs: number }
  | { type: 'settle'; expectedTokens: Record<string, number>; timeoutMs: number }
  | { type: 'exit' };

/** Sparse latency histogram: bucket (tenths of a millisecond) to count. */
export type Histogram = Record<string, number>;

/** Generator to orchestrator. */
export type Report =
  | { type: 'ready'; joinMs: number }
  | {
      type: 'ran';
      sent: Record<string, number>;
      received: number;
      latency: Histogram;
      saved: Histogram;
      cpuMs: number;
      peakRssBytes: number;
    }
  | {
      type: 'settled';
      /** Per document: distinct text hashes seen and the fewest tokens any client holds. */
      documents: Record<string, { hashes: string[]; minTokens: number }>;
    }
  | { type: 'error'; message: string };
