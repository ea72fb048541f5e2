/**
 * An independent, deliberately plain model of Flink's WindowOperator (and EvictingWindowOperator)
 * for the window tests: it replays a fixed input of events and watermarks in order, for one key at
 * a time, and returns the lines a job would print. It follows Flink's rules as Flink's Java code
 * states them — window assignment, merging window sets, triggers with their timers and state,
 * evictors, cleanup at `maxTimestamp + allowedLateness`, the late-drop rule — and uses no flink-ts
 * code. Everything is recomputed from plain lists, so it is slow and obviously correct.
 */
import type { Event } from '../../fixtures/jobs/runtime/window-input.js';
import { MARKER, showEvent } from '../../fixtures/jobs/runtime/window-input.js';

/** A time window `[start, end)`, or the global window. */
export interface ModelWindow {
  readonly start: number;
  readonly end: number;
  readonly global?: true;
}

export const GLOBAL: ModelWindow = { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY, global: true };
/** flink-ts's Long.MAX_VALUE stand-in, the timestamp of global-window results. */
export const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;

export const maxTs = (w: ModelWindow): number => (w.global === true ? MAX_TIMESTAMP : w.end - 1);
const id = (w: ModelWindow): string => (w.global === true ? 'global' : `${w.start}:${w.end}`);
export const show = (w: ModelWindow): string => `[${w.start},${w.end})`;

export type Result = 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE';
const fires = (r: Result): boolean => r === 'FIRE' || r === 'FIRE_AND_PURGE';
const purges = (r: Result): boolean => r === 'PURGE' || r === 'FIRE_AND_PURGE';

/** What a model trigger may do for one key and window. */
export interface TriggerCtx {
  readonly watermark: number;
  get(name: string): number | undefined;
  set(name: string, value: number | undefined): void;
  register(time: number): void;
  remove(time: number): void;
}

export interface ModelTrigger {
  onElement(e: Event, w: ModelWindow, c: TriggerCtx): Result;
  onEventTime(time: number, w: ModelWindow, c: TriggerCtx): Result;
  /** `merged` holds the trigger state of each window merged into `w`. */
  onMerge(w: ModelWindow, c: TriggerCtx, merged: readonly Map<string, number>[]): void;
  clear(w: ModelWindow, c: TriggerCtx): void;
}

export const eventTimeTrigger: ModelTrigger = {
  onElement: (_e, w, c) => {
    if (maxTs(w) <= c.watermark) return 'FIRE';
    c.register(maxTs(w));
    return 'CONTINUE';
  },
  onEventTime: (t, w) => (t === maxTs(w) ? 'FIRE' : 'CONTINUE'),
  onMerge: (w, c) => {
    if (maxTs(w) > c.watermark) c.register(maxTs(w));
  },
  clear: (w, c) => {
    c.remove(maxTs(w));
  },
};

export function countTrigger(max: number): ModelTrigger {
  return {
    onElement: (_e, _w, c) => {
      const n = (c.get('count') ?? 0) + 1;
      if (n >= max) {
        c.set('count', undefined);
        return 'FIRE';
      }
      c.set('count', n);
      return 'CONTINUE';
    },
    onEventTime: () => 'CONTINUE',
    onMerge: (_w, c, merged) => {
      const total = merged.reduce((sum, s) => sum + (s.get('count') ?? 0), 0);
      if (merged.some((s) => s.has('count'))) c.set('count', total);
    },
    clear: (_w, c) => {
      c.set('count', undefined);
    },
  };
}

export function purging(nested: ModelTrigger): ModelTrigger {
  const p = (r: Result): Result => (r === 'FIRE' ? 'FIRE_AND_PURGE' : r);
  return {
    onElement: (e, w, c) => p(nested.onElement(e, w, c)),
    onEventTime: (t, w, c) => p(nested.onEventTime(t, w, c)),
    onMerge: (w, c, m) => {
      nested.onMerge(w, c, m);
    },
    clear: (w, c) => {
      nested.clear(w, c);
    },
  };
}

/** Flink's ContinuousEventTimeTrigger (non-merging use only here). */
export function continuousTrigger(interval: number): ModelTrigger {
  const next = (from: number, w: ModelWindow, c: TriggerCtx): void => {
    const t = Math.min(from + interval, maxTs(w));
    c.set('fire', t);
    c.register(t);
  };
  return {
    onElement: (e, w, c) => {
      if (maxTs(w) <= c.watermark) return 'FIRE';
      c.register(maxTs(w));
      if (c.get('fire') === undefined) next(e[1] - (e[1] % interval), w, c);
      return 'CONTINUE';
    },
    onEventTime: (t, w, c) => {
      if (t === maxTs(w)) return 'FIRE';
      if (c.get('fire') === t) {
        c.set('fire', undefined);
        next(t, w, c);
        return 'FIRE';
      }
      return 'CONTINUE';
    },
    onMerge: () => {
      throw new Error('not modelled');
    },
    clear: (w, c) => {
      const t = c.get('fire');
      if (t !== undefined) c.remove(t);
      c.set('fire', undefined);
      c.remove(maxTs(w));
    },
  };
}

export interface Evictor {
  readonly after: boolean;
  evict(elements: readonly Event[]): Event[];
}
export const countEvictor = (n: number, after = false): Evictor => ({
  after,
  evict: (els) => (els.length <= n ? [...els] : els.slice(els.length - n)),
});
export const timeEvictor = (size: number, after = false): Evictor => ({
  after,
  evict: (els) => {
    if (els.length === 0) return [];
    const cutoff = Math.max(...els.map((e) => e[1])) - size;
    return els.filter((e) => e[1] > cutoff);
  },
});

/** What a firing knows: how often this window and this key fired so far, this firing included. */
export interface Firing {
  readonly windowFirings: number;
  readonly keyFirings: number;
}

export interface ModelCase {
  assign(e: Event): ModelWindow[];
  readonly merging?: boolean;
  /** False for global windows (no lateness, no cleanup). */
  readonly eventTime: boolean;
  readonly trigger: ModelTrigger;
  readonly lateness?: number;
  readonly evictor?: Evictor;
  /** The lines the window function prints for a firing (before ` @<timestamp>`). */
  fire(key: string, w: ModelWindow, elements: readonly Event[], firing: Firing): string[];
  /** A line for the function's `clear` at cleanup, if it prints one. */
  cleared?(key: string, w: ModelWindow, firings: number): string;
}

export interface ModelOutput {
  readonly main: string[];
  readonly late: string[];
  readonly cleared: string[];
}

interface Slot {
  w: ModelWindow;
  /** Null after a purge: the window is still in the merging set. */
  elements: Event[] | null;
}

/** Runs one case over the whole input; keys never interact, so each key is replayed on its own. */
export function runModel(c: ModelCase, input: readonly Event[], keyOf: (e: Event) => string = (e) => e[0]): ModelOutput {
  const out: ModelOutput = { main: [], late: [], cleared: [] };
  const keys = [...new Set(input.filter((e) => e[0] !== MARKER).map(keyOf))];
  for (const key of keys) runKey(c, input.filter((e) => e[0] === MARKER || keyOf(e) === key), key, out);
  return out;
}

function runKey(c: ModelCase, input: readonly Event[], key: string, out: ModelOutput): void {
  const lateness = c.lateness ?? 0;
  let watermark = Number.NEGATIVE_INFINITY;
  const windows = new Map<string, Slot>();
  const triggerState = new Map<string, Map<string, number>>();
  /** Event-time timers: `time|window id` → window. */
  const timers = new Map<string, { time: number; w: ModelWindow }>();
  const windowFirings = new Map<string, number>();
  let keyFirings = 0;

  const ctx = (w: ModelWindow): TriggerCtx => ({
    watermark,
    get: (name) => triggerState.get(id(w))?.get(name),
    set: (name, value) => {
      const s = triggerState.get(id(w)) ?? new Map<string, number>();
      if (value === undefined) s.delete(name);
      else s.set(name, value);
      if (s.size === 0) triggerState.delete(id(w));
      else triggerState.set(id(w), s);
    },
    register: (time) => timers.set(`${time}|${id(w)}`, { time, w }),
    remove: (time) => timers.delete(`${time}|${id(w)}`),
  });
  const cleanupTime = (w: ModelWindow): number => (c.eventTime ? maxTs(w) + lateness : Number.POSITIVE_INFINITY);
  const isWindowLate = (w: ModelWindow): boolean => c.eventTime && cleanupTime(w) <= watermark;
  const registerCleanup = (w: ModelWindow): void => {
    if (c.eventTime) ctx(w).register(cleanupTime(w));
  };

  const emit = (w: ModelWindow): void => {
    const slot = windows.get(id(w));
    if (slot === undefined || slot.elements === null) return;
    let elements = slot.elements;
    if (c.evictor !== undefined && !c.evictor.after) elements = c.evictor.evict(elements);
    const n = (windowFirings.get(id(w)) ?? 0) + 1;
    windowFirings.set(id(w), n);
    keyFirings++;
    for (const line of c.fire(key, w, elements, { windowFirings: n, keyFirings })) out.main.push(`${line} @${maxTs(w)}`);
    if (c.evictor !== undefined && c.evictor.after) elements = c.evictor.evict(elements);
    if (c.evictor !== undefined) slot.elements = elements;
  };
  const purge = (w: ModelWindow): void => {
    const slot = windows.get(id(w));
    if (slot === undefined) return;
    if (c.merging === true) slot.elements = null;
    else windows.delete(id(w));
  };
  const clearAll = (w: ModelWindow): void => {
    windows.delete(id(w));
    c.trigger.clear(w, ctx(w));
    triggerState.delete(id(w));
    if (c.cleared !== undefined) out.cleared.push(`${c.cleared(key, w, windowFirings.get(id(w)) ?? 0)} @${maxTs(w)}`);
    windowFirings.delete(id(w));
  };

  /** Flink's MergingWindowSet.addWindow for time windows; returns the window the element goes to. */
  const addMerging = (nw: ModelWindow): ModelWindow => {
    const all = [...[...windows.values()].map((s) => s.w), nw].sort((a, b) => a.start - b.start);
    let run: ModelWindow[] = [];
    let cover: ModelWindow | undefined;
    const runs: [ModelWindow[], ModelWindow][] = [];
    for (const w of all) {
      if (cover !== undefined && cover.start <= w.end && cover.end >= w.start) {
        run.push(w);
        cover = { start: Math.min(cover.start, w.start), end: Math.max(cover.end, w.end) };
      } else {
        if (cover !== undefined) runs.push([run, cover]);
        run = [w];
        cover = w;
      }
    }
    if (cover !== undefined) runs.push([run, cover]);
    const mine = runs.find(([r]) => r.includes(nw));
    if (mine === undefined || mine[0].length === 1) {
      windows.set(id(nw), { w: nw, elements: [] });
      return nw;
    }
    const [group, result] = mine;
    const merged = group.filter((w) => w !== nw);
    if (merged.length === 1 && id(merged[0] as ModelWindow) === id(result)) return result;
    c.trigger.onMerge(result, ctx(result), merged.map((m) => new Map(triggerState.get(id(m)) ?? [])));
    let elements: Event[] | null = null;
    for (const m of merged) {
      c.trigger.clear(m, ctx(m));
      triggerState.delete(id(m));
      ctx(m).remove(cleanupTime(m));
      const slot = windows.get(id(m));
      if (slot?.elements != null) elements = [...(elements ?? []), ...slot.elements];
      windows.delete(id(m));
    }
    windows.set(id(result), { w: result, elements });
    return result;
  };

  const onElement = (e: Event): void => {
    let skipped = true;
    for (const assigned of c.assign(e)) {
      const w = c.merging === true ? addMerging(assigned) : assigned;
      if (isWindowLate(w)) {
        if (c.merging === true) windows.delete(id(w));
        continue;
      }
      skipped = false;
      const slot = windows.get(id(w)) ?? { w, elements: null };
      slot.elements = [...(slot.elements ?? []), e];
      windows.set(id(w), slot);
      const r = c.trigger.onElement(e, w, ctx(w));
      if (fires(r)) emit(w);
      if (purges(r)) purge(w);
      registerCleanup(w);
    }
    if (skipped && c.eventTime && e[1] + lateness <= watermark) out.late.push(`${showEvent(e)} @${e[1]}`);
  };

  const advance = (to: number): void => {
    if (to <= watermark) return;
    watermark = to;
    for (;;) {
      const due = [...timers.values()].filter((t) => t.time <= watermark).sort((a, b) => a.time - b.time)[0];
      if (due === undefined) return;
      timers.delete(`${due.time}|${id(due.w)}`);
      const { time, w } = due;
      if (c.merging === true && !windows.has(id(w))) continue;
      const r = c.trigger.onEventTime(time, w, ctx(w));
      if (fires(r)) emit(w);
      if (purges(r)) purge(w);
      if (c.eventTime && time === cleanupTime(w)) clearAll(w);
    }
  };

  for (const e of input) {
    if (e[0] === MARKER) advance(e[1]);
    else onElement(e);
  }
  advance(Number.POSITIVE_INFINITY);
}

/** Flink's TimeWindow.getWindowStartWithOffset. */
export function windowStart(ts: number, offset: number, size: number): number {
  const rem = (ts - offset) % size;
  return rem < 0 ? ts - (rem + size) : ts - rem;
}
export const tumbling =
  (size: number, offset = 0) =>
  (e: Event): ModelWindow[] => {
    const start = windowStart(e[1], offset, size);
    return [{ start, end: start + size }];
  };
export const sliding =
  (size: number, slide: number, offset = 0) =>
  (e: Event): ModelWindow[] => {
    const out: ModelWindow[] = [];
    for (let start = windowStart(e[1], offset, slide); start > e[1] - size; start -= slide) out.push({ start, end: start + size });
    return out;
  };
export const session =
  (gap: (e: Event) => number) =>
  (e: Event): ModelWindow[] => [{ start: e[1], end: e[1] + gap(e) }];
export const global = (): ModelWindow[] => [GLOBAL];
