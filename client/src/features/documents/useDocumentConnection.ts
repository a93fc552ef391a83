import { CloseCode } from '@chorus/shared';
import { useEffect, useRef, useState } from 'react';
import { connectDocument, type DocumentConnection } from '../../sync/connectDocument.ts';
import { clearOfflineDocument } from '../../sync/offlineStore.ts';

/**
 * One live connection (and one fresh Y.Doc) per mount, torn down when the component goes
 * away so the server sees the person leave. To reconnect after access changed, remount
 * the component (a new `key`): the new Y.Doc never replays edits the server now refuses.
 * `onForbidden` runs when the server closes the socket because access changed (4403).
 */
export function useDocumentConnection(
  documentId: string,
  onForbidden: () => void,
  /** Keep edits in this browser while offline, for this account (only for people who may edit). */
  offlineAccountId: string | null = null,
): DocumentConnection | null {
  const [connection, setConnection] = useState<DocumentConnection | null>(null);
  // The latest callback without reconnecting when the caller passes a new closure.
  const onForbiddenRef = useRef(onForbidden);
  onForbiddenRef.current = onForbidden;

  useEffect(() => {
    const next = connectDocument(documentId, offlineAccountId ? { offlineAccountId } : {});
    const onClosed = ({ code }: { code: number }) => {
      if (code !== CloseCode.forbidden) return;
      // Edits the server now refuses must not come back from this device's offline copy.
      const wipe = offlineAccountId
        ? clearOfflineDocument(offlineAccountId, documentId)
        : Promise.resolve();
      void wipe.finally(() => onForbiddenRef.current());
    };
    next.provider.on('closed', onClosed);
    setConnection(next);
    return () => {
      next.provider.off('closed', onClosed);
      setConnection(null);
      next.destroy();
    };
  }, [documentId, offlineAccountId]);
  return connection;
}
