import { useChangeStream } from '../../sync/useChangeStream.ts';

/**
 * Follows an evaluation's event stream (`GET …/evaluation/events`): `onChange` runs when
 * anyone changed the evaluation, when the stream (re)opens, and when the server ends it
 * (the page then finds out why by fetching). Returns whether the stream is open.
 */
export function useEvaluationEvents(documentId: string, onChange: () => void): boolean {
  return useChangeStream(
    `/api/documents/${encodeURIComponent(documentId)}/evaluation/events`,
    onChange,
    onChange,
  );
}
