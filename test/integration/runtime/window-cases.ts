/**
 * The model of each case of the window fixture jobs (test/fixtures/jobs/runtime/window-pipelines.ts),
 * written from Flink's semantics for the window tests to compute their expected lines with.
 */
import type { Event } from '../../fixtures/jobs/runtime/window-input.js';
import type { ModelCase, ModelOutput, ModelWindow } from './window-model.js';
import {
  continuousTrigger,
  countEvictor,
  countTrigger,
  eventTimeTrigger,
  global,
  purging,
  runModel,
  session,
  show,
  sliding,
  timeEvictor,
  tumbling,
} from './window-model.js';

const sum = (els: readonly Event[]): number => els.reduce((s, e) => s + e[2], 0);
const ids = (els: readonly Event[]): string => els.map((e) => e[2]).join(',');
const sortedIds = (els: readonly Event[]): string =>
  els
    .map((e) => e[2])
    .sort((x, y) => x - y)
    .join(',');
const countSum = (els: readonly Event[]): string => `n=${els.length} sum=${sum(els)}`;
const listed =
  (list: (els: readonly Event[]) => string) =>
  (key: string, w: ModelWindow, els: readonly Event[]): string[] => [`${key} ${show(w)} ids=${list(els)}`];

/** A custom trigger: fire on ids divisible by 4, fire and purge at the window's end. */
const everyFourthId: ModelCase['trigger'] = {
  onElement: (e, w, c) => {
    c.register(w.end - 1);
    return e[2] % 4 === 0 ? 'FIRE' : 'CONTINUE';
  },
  onEventTime: (t, w) => (t === w.end - 1 ? 'FIRE_AND_PURGE' : 'CONTINUE'),
  onMerge: () => undefined,
  clear: (w, c) => {
    c.remove(w.end - 1);
  },
};

/** Each case of the fixture: its model, and whether it has a late side output / clear lines. */
export const CASES: Record<string, ModelCase & { keyed?: false }> = {
  tumble: { assign: tumbling(5000, 1000), eventTime: true, trigger: eventTimeTrigger, fire: (k, w, els) => [`${k} ${show(w)} sum=${sum(els)}`] },
  'tumble-reduce': { assign: tumbling(5000), eventTime: true, trigger: eventTimeTrigger, lateness: 2000, fire: (k, _w, els) => [`${k} sum=${sum(els)}`] },
  slide: { assign: sliding(6000, 2000, 500), eventTime: true, trigger: eventTimeTrigger, fire: (k, w, els) => [`${k} ${show(w)} ${countSum(els)}`] },
  agg: { assign: tumbling(10000), eventTime: true, trigger: eventTimeTrigger, fire: (_k, _w, els) => [countSum(els)] },
  session: { assign: session(() => 3000), merging: true, eventTime: true, trigger: eventTimeTrigger, lateness: 1000, fire: listed(sortedIds) },
  dynsession: {
    assign: session((e) => (e[0] === 'a' ? 2000 : e[0] === 'b' ? 4000 : 1500)),
    merging: true,
    eventTime: true,
    trigger: eventTimeTrigger,
    fire: (k, w, els) => [`${k} ${show(w)} ${countSum(els)}`],
  },
  'session-purge': { assign: session(() => 3000), merging: true, eventTime: true, trigger: purging(countTrigger(2)), fire: listed(sortedIds) },
  'global-count': { assign: global, eventTime: false, trigger: countTrigger(2), evictor: countEvictor(3), fire: (k, _w, els) => [`${k} ids=${ids(els)}`] },
  'global-purge': { assign: global, eventTime: false, trigger: purging(countTrigger(3)), fire: (k, _w, els) => [`${k} ids=${ids(els)}`] },
  'count-tumble': { assign: tumbling(10000), eventTime: true, trigger: countTrigger(3), fire: listed(sortedIds) },
  'purging-tumble': { assign: tumbling(5000), eventTime: true, trigger: purging(eventTimeTrigger), lateness: 3000, fire: listed(sortedIds) },
  continuous: { assign: tumbling(10000), eventTime: true, trigger: continuousTrigger(3000), fire: listed(sortedIds) },
  custom: { assign: tumbling(10000), eventTime: true, trigger: everyFourthId, fire: listed(sortedIds) },
  'evict-count': { assign: tumbling(10000), eventTime: true, trigger: eventTimeTrigger, lateness: 5000, evictor: countEvictor(2), fire: listed(ids) },
  'evict-count-after': { assign: tumbling(10000), eventTime: true, trigger: continuousTrigger(3000), evictor: countEvictor(2, true), fire: listed(ids) },
  'evict-time': { assign: tumbling(10000), eventTime: true, trigger: eventTimeTrigger, evictor: timeEvictor(2000), fire: (k, w, els) => [`${k} ${show(w)} sum=${sum(els)}`] },
  'evict-time-after': {
    assign: tumbling(10000),
    eventTime: true,
    trigger: eventTimeTrigger,
    lateness: 4000,
    evictor: timeEvictor(1500, true),
    fire: (k, w, els) => [`${k} ${show(w)} ${countSum(els)}`],
  },
  all: { keyed: false, assign: tumbling(5000), eventTime: true, trigger: eventTimeTrigger, lateness: 1000, fire: (_k, w, els) => [`${show(w)} ids=${sortedIds(els)}`] },
  wstate: {
    assign: tumbling(5000),
    eventTime: true,
    trigger: eventTimeTrigger,
    lateness: 3000,
    fire: (k, w, els, f) => [`${k} ${show(w)} firing=${f.windowFirings} key-firing=${f.keyFirings} ids=${sortedIds(els)}`],
    cleared: (k, w, firings) => `${k} ${show(w)} firings=${firings}`,
  },
};
/** Cases whose fixture prints the late side output as `<case>-late`. */
export const WITH_LATE = new Set(['tumble-reduce', 'slide', 'session', 'count-tumble', 'all']);


/** Every case's expected lines for `input`. */
export function expectedLines(input: readonly Event[]): Map<string, ModelOutput> {
  return new Map(Object.entries(CASES).map(([label, c]) => [label, runModel(c, input, c.keyed === false ? () => 'all' : undefined)]));
}
