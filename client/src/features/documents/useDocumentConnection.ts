import { useEffect, useState } from 'react';
import { connectDocument, type DocumentConnection } from '../../sync/connectDocument.ts';

/**
 * One live connection (and one fresh Y.Doc) per mount of the document page, torn down
 * when the page goes away so the server sees the person leave.
 */
export function useDocumentConnection(documentId: string): DocumentConnection | null {
  const [connection, setConnection] = useState<DocumentConnection | null>(null);
  useEffect(() => {
    const next = connectDocument(documentId);
    setConnection(next);
    return () => {
      setConnection(null);
      next.destroy();
    };
  }, [documentId]);
  return connection;
}
