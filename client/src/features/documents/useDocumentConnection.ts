import { CloseCode } from '@chorus/shared';
import { useEffect, useRef, useState } from 'react';
import { connectDocument, type DocumentConnection } from '../../sync/connectDocument.ts';

/**
 * One live connection (and one fresh Y.Doc) per mount, torn down when the component goes
 * away so the server sees the person leave. To reconnect after access changed, remount
 * the component (a new `key`): the new Y.Doc never replays edits the server now refuses.
 * `onForbidden` runs when the server closes the socket because access changed (4403).
 */
export function useDocumentConnection(
  documentId: string,
  onForbidden: () => void,
): DocumentConnection | null {
  const [connection, setConnection] = useState<DocumentConnection | null>(null);
  // The latest callback without reconnecting when the caller passes a new closure.
  const onForbiddenRef = useRef(onForbidden);
  onForbiddenRef.current = onForbidden;

  useEffect(() => {
    const next = connectDocument(documentId);
    const onClosed = ({ code }: { code: number }) => {
      if (code === CloseCode.forbidden) onForbiddenRef.current();
    };
    next.provider.on('closed', onClosed);
    setConnection(next);
    return () => {
      next.provider.off('closed', onClosed);
      setConnection(null);
      next.destroy();
    };
  }, [documentId]);
  return connection;
}
