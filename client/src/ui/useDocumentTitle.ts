import { useEffect } from 'react';

/** Sets the browser tab title, which is also the first thing a screen reader announces. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} – Chorus` : 'Chorus';
  }, [title]);
}
