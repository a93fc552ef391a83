/*
 * What this browser keeps offline, per account, and how it is wiped. Kept apart from
 * connectDocument so sign-out does not pull the editor's code into every page.
 */
const OFFLINE_PREFIX = 'chorus-offline';

/** The IndexedDB database holding one account's offline copy of one document. */
export function offlineDatabaseName(accountId: string, documentId: string): string {
  return `${OFFLINE_PREFIX}:${accountId}:${documentId}`;
}

/** Deletes this browser's offline copy of one document for one account. */
export function clearOfflineDocument(accountId: string, documentId: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return Promise.resolve();
  return deleteDatabase(offlineDatabaseName(accountId, documentId));
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

/**
 * Deletes everything this browser kept offline for an account (call at sign-out), so the
 * next person on a shared computer finds none of it.
 */
export async function clearOfflineData(accountId: string): Promise<void> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const prefix = `${OFFLINE_PREFIX}:${accountId}:`;
  const databases = await indexedDB.databases();
  await Promise.all(
    databases
      .map((d) => d.name)
      .filter((name): name is string => typeof name === 'string' && name.startsWith(prefix))
      .map(deleteDatabase),
  );
}
