import type { BidsView, EvaluationState } from '@chorus/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Loading } from '../../ui/Loading.tsx';
import { BidDocuments } from './BidDocuments.tsx';
import { getBids } from './bidDocumentsApi.ts';
import { Clarifications } from './Clarifications.tsx';
import './bids.css';

const stageWords: Record<EvaluationState, string> = {
  setup:
    'Add each bid’s documents here once the bid is saved in the set-up. The panel sees them after scoring starts and they have signed their declaration; they are fixed from then on.',
  scoring:
    'Read each bid’s documents. If something in a bid needs explaining, ask the bidder a clarification question; the chair records the answer here.',
  moderation:
    'The bids’ documents, and the clarification questions with the bidders’ answers. Questions can still be asked until the chair signs off.',
  signed_off: 'The bids’ documents and clarifications, kept as the record of the evaluation.',
};

/**
 * How often the bids are asked for again, so others' questions and answers appear: often
 * while the page cannot follow the evaluation's events, now and then while it can.
 */
const POLL_MS = 5000;
const LIVE_POLL_MS = 60_000;

/**
 * Each bid with its documents and clarifications, for those who may see the bids. Loads
 * its own data (files are never part of the evaluation's view) and again when the stage,
 * round or set-up changes (`version`) and whenever the server says the evaluation changed
 * (`pushed` counts those notices; `live` says whether they are heard).
 */
export function BidsSection({
  documentId,
  stage,
  version,
  pushed,
  live,
}: {
  documentId: string;
  stage: EvaluationState;
  version: string;
  pushed: number;
  live: boolean;
}) {
  const [view, setView] = useState<BidsView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Counts this person's own changes, so an answer asked for before one is dropped.
  const changes = useRef(0);
  const load = useCallback(async () => {
    const asked = changes.current;
    try {
      const next = await getBids(documentId);
      if (asked !== changes.current) return;
      setView(next);
      setProblem(null);
    } catch (error) {
      if (asked !== changes.current) return;
      setProblem(
        error instanceof Error ? error.message : 'The bids could not be loaded. Reload the page.',
      );
    }
  }, [documentId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` and `pushed` are why it loads again.
  useEffect(() => {
    void load();
  }, [load, version, pushed]);
  useEffect(() => {
    if (stage === 'setup' || stage === 'signed_off') return;
    const timer = setInterval(
      () => {
        if (document.visibilityState === 'visible') void load();
      },
      live ? LIVE_POLL_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [stage, load, live]);
  const changed = (next: BidsView) => {
    changes.current++;
    setView(next);
    setProblem(null);
  };

  return (
    <section aria-labelledby="bids-heading" className="section">
      <h2 id="bids-heading">Bids</h2>
      <p>{stageWords[stage]}</p>
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
      {view === null ? (
        problem ? null : (
          <Loading label="Loading the bids…" />
        )
      ) : view.bids.length === 0 ? (
        <p>No bids yet. Add them in the set-up and save it, then add their documents here.</p>
      ) : (
        view.bids.map((bid) => (
          <section
            key={bid.bidId}
            aria-labelledby={`bid-files-${bid.bidId}`}
            className="panel stack bid"
          >
            <h3 id={`bid-files-${bid.bidId}`}>{bid.bidder}</h3>
            <BidDocuments
              documentId={documentId}
              bid={bid}
              canChange={view.me.canChangeDocuments}
              onChange={changed}
            />
            {stage !== 'setup' ? (
              <Clarifications documentId={documentId} bid={bid} me={view.me} onChange={changed} />
            ) : null}
          </section>
        ))
      )}
    </section>
  );
}
