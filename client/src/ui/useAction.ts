import { useState } from 'react';

/**
 * The busy flag and problem message every action button or small form shares: one run at a
 * time, and a refusal's message kept for the form to show (what was typed stays put).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  /** Runs `work`; resolves true if it succeeded, false if it was refused or already running. */
  const run = async (work: () => Promise<void>, fallback: string): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    try {
      await work();
      setProblem(null);
      return true;
    } catch (error) {
      setProblem(error instanceof Error ? error.message : fallback);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, setProblem, run };
}
