import {
  type BidsView,
  bidsViewSchema,
  type ClarificationAnswerInput,
  errorBodySchema,
} from '@chorus/shared';
import { ApiError, api } from '../../api/http.ts';

const bidsPath = (documentId: string) =>
  `/documents/${encodeURIComponent(documentId)}/evaluation/bids`;
const bidPath = (documentId: string, bidId: string) =>
  `${bidsPath(documentId)}/${encodeURIComponent(bidId)}`;

/** Each bid's documents and clarifications, as the caller may see them. */
export const getBids = (documentId: string) =>
  api('GET', bidsPath(documentId), undefined, bidsViewSchema);

/** Where a bid's document downloads from (the browser sends the session cookie). */
export const bidDocumentHref = (documentId: string, bidId: string, fileId: string) =>
  `/api${bidPath(documentId, bidId)}/documents/${encodeURIComponent(fileId)}`;

/**
 * Sends a file's bytes as the request body with its name, percent-encoded, in a header:
 * no multipart parsing on the server, and the server tells the format from the bytes.
 */
export async function uploadBidDocument(
  documentId: string,
  bidId: string,
  file: File,
  /** The scoring groups who may open it; null for every group. */
  seenBy: readonly string[] | null = null,
): Promise<BidsView> {
  let response: Response;
  try {
    response = await fetch(`/api${bidPath(documentId, bidId)}/documents`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/octet-stream',
        'X-File-Name': encodeURIComponent(file.name),
        ...(seenBy === null ? {} : { 'X-Seen-By': seenBy.join(',') }),
      },
      body: file,
    });
  } catch {
    throw new ApiError(
      0,
      'network',
      'Chorus could not reach the server, so the file was not uploaded. Check your connection and try again.',
    );
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(json);
    if (parsed.success) {
      throw new ApiError(response.status, parsed.data.error.id, parsed.data.error.message);
    }
    throw new ApiError(
      response.status,
      'unknown',
      `The server answered ${response.status}. Try again.`,
    );
  }
  return bidsViewSchema.parse(json);
}

export const removeBidDocument = (documentId: string, bidId: string, fileId: string) =>
  api(
    'DELETE',
    `${bidPath(documentId, bidId)}/documents/${encodeURIComponent(fileId)}`,
    undefined,
    bidsViewSchema,
  );

export const askClarification = (documentId: string, bidId: string, question: string) =>
  api('POST', `${bidPath(documentId, bidId)}/clarifications`, { question }, bidsViewSchema);

export const recordClarificationAnswer = (
  documentId: string,
  bidId: string,
  clarificationId: string,
  input: Partial<ClarificationAnswerInput>,
) =>
  api(
    'POST',
    `${bidPath(documentId, bidId)}/clarifications/${encodeURIComponent(clarificationId)}/answers`,
    input,
    bidsViewSchema,
  );
