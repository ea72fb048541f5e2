/**
 * The expected outputs of the broadcast-state and keyed co-process fixture jobs, computed from
 * their fixed inputs by a direct reading of the rules (not by running the functions).
 */
import type { Event, Order, Payment, Rule } from '../fixtures/jobs/runtime/broadcast-data.js';
import { PAYMENT_TIMEOUT } from '../fixtures/jobs/runtime/broadcast-data.js';

/** An expected output line, with the event time at which the job can emit it. */
export interface ExpectedLine {
  readonly line: string;
  readonly time: number;
}

/** RuleMatcher's lines: per event, the rules whose latest version at the event's time it meets, and the user's running total. */
export function expectedRuleLines(rules: readonly Rule[], events: readonly Event[]): ExpectedLine[] {
  const totals = new Map<string, number>();
  const names = [...new Set(rules.map((r) => r.name))];
  return [...events]
    .sort((a, b) => a.ts - b.ts)
    .map((e) => {
      const matching = names
        .filter((name) => {
          const valid = rules.filter((r) => r.name === name && r.ts <= e.ts).sort((a, b) => a.ts - b.ts).at(-1);
          return valid !== undefined && valid.min !== null && e.amount >= valid.min;
        })
        .sort();
      const total = (totals.get(e.user) ?? 0) + matching.length;
      totals.set(e.user, total);
      return { line: `${e.user} ${e.amount}@${e.ts}: ${matching.join(',') || '-'} total=${total}`, time: e.ts };
    });
}

/**
 * OrderPaymentMatcher's lines: `matched <id> <amount>/<paid>` for an order and payment at most the
 * timeout apart (emitted when the later one arrives), else `unmatched order|payment <id>` when
 * the timer at its time + timeout fires.
 */
export function expectedOrderLines(orders: readonly Order[], payments: readonly Payment[]): ExpectedLine[] {
  const lines: ExpectedLine[] = [];
  const matchedPayments = new Set<Payment>();
  for (const o of orders) {
    const p = payments.find((candidate) => candidate.id === o.id && Math.abs(candidate.ts - o.ts) <= PAYMENT_TIMEOUT);
    if (p === undefined) {
      lines.push({ line: `unmatched order ${o.id}`, time: o.ts + PAYMENT_TIMEOUT });
      continue;
    }
    matchedPayments.add(p);
    lines.push({ line: `matched ${o.id} ${o.amount}/${p.paid}`, time: Math.max(o.ts, p.ts) });
  }
  for (const p of payments) {
    if (!matchedPayments.has(p)) lines.push({ line: `unmatched payment ${p.id}`, time: p.ts + PAYMENT_TIMEOUT });
  }
  return lines;
}
