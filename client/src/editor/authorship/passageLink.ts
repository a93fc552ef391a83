/**
 * Links to one passage of a document: `?passage=<clientId>.<clock>.<length>`, the Yjs id
 * of its first character and its length. Kept apart from the editor code so the report
 * page can build links without loading Yjs.
 */
export interface PassageRef {
  client: number;
  clock: number;
  length: number;
}

export function parsePassage(value: string | null): PassageRef | null {
  const match = value ? /^(\d+)\.(\d+)\.(\d+)$/.exec(value) : null;
  if (!match) return null;
  const [client, clock, length] = match.slice(1).map(Number);
  if (client === undefined || clock === undefined || length === undefined) return null;
  return { client, clock, length };
}

export function passageHref(
  documentId: string,
  passage: { clientId: number; clock: number; text: string },
): string {
  return `/documents/${encodeURIComponent(documentId)}?passage=${passage.clientId}.${passage.clock}.${passage.text.length}`;
}
