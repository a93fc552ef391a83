/** Structured one-line JSON logs. `CHORUS_LOG=silent` (used by tests) turns them off. */
export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  log(level, event, fields = {}) {
    if (process.env.CHORUS_LOG === 'silent') return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
    if (level === 'info') console.log(line);
    else console.error(line);
  },
};

/** A logger that keeps entries in memory, for tests that assert what was logged. */
export function memoryLogger(): Logger & {
  entries: { level: LogLevel; event: string; fields: Record<string, unknown> }[];
} {
  const entries: { level: LogLevel; event: string; fields: Record<string, unknown> }[] = [];
  return {
    entries,
    log(level, event, fields = {}) {
      entries.push({ level, event, fields });
    },
  };
}
