/**
 * The per-host table `start-cluster` and `stop-cluster` print: one row per process, in the order
 * the hosts files list them, so that a partial failure is visible at a glance.
 */

export interface SummaryRow {
  readonly host: string;
  readonly role: string;
  readonly pid?: number | undefined;
  readonly result: string;
}

const HEADER: SummaryRow = { host: 'HOST', role: 'ROLE', result: 'RESULT' };

/** The table's lines, columns padded to their widest cell. */
export function summaryTable(rows: readonly SummaryRow[]): string[] {
  const cells = [HEADER, ...rows].map((row, index) => [row.host, row.role, index === 0 ? 'PID' : row.pid === undefined ? '-' : String(row.pid), row.result]);
  const widths = [0, 1, 2].map((column) => Math.max(...cells.map((cell) => (cell[column] ?? '').length)));
  return cells.map((cell) =>
    cell
      .map((text, column) => (column < 3 ? text.padEnd(widths[column] ?? 0) : text))
      .join('  ')
      .trimEnd(),
  );
}
