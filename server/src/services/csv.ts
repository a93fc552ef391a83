/** One CSV cell: text quoted, numbers bare, spreadsheet formulas neutralised (CSV injection). */
function csvCell(v: string | number): string {
  const s = String(v);
  if (typeof v === 'number') return s;
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** Rows as CSV text with CRLF line ends, as spreadsheets expect. */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return `${rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
