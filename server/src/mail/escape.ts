/** Escapes text for HTML, attribute values included. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Names and titles are people's own words: in the subject and the plain text they are kept
 * to one line (a title cannot start a line of its own that looks like a link or a header).
 */
export const oneLine = (s: string) => s.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim();
