/**
 * Every event-time window assigner, trigger, evictor, window function and lateness case through
 * the built CLI at -p 1 and 4 (fixture window-matrix.ts, one job with one pipeline per case over
 * the fixed out-of-order input of window-input.ts, watermarks driven by the input). Each case's
 * printed lines — window results with their record timestamps, late side outputs, the lines a
 * ProcessWindowFunction's `clear` emits — must equal exactly what an independent model of Flink's
 * window operator (window-model.ts) computes from the same input.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Event } from '../../fixtures/jobs/runtime/window-input.js';
import type { ModelCase, ModelOutput, ModelWindow } from './window-model.js';
import { SCRIPT } from '../../fixtures/jobs/runtime/window-input.js';
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
import type { JobRun } from './runtime-harness.js';
import { assertBuilt, assertFinished, assertOneSubtaskPerKey, assertSameMultiset, fixture, outputLines, printedBy, runJob, values } from './runtime-harness.js';

const JOB = fixture('window-matrix.ts');

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
const CASES: Record<string, ModelCase & { keyed?: false }> = {
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
const WITH_LATE = new Set(['tumble-reduce', 'slide', 'session', 'count-tumble', 'all']);

const expected = new Map<string, ModelOutput>(
  Object.entries(CASES).map(([label, c]) => [label, runModel(c, SCRIPT, c.keyed === false ? () => 'all' : undefined)]),
);

before(() => {
  assertBuilt();
});

test('the model itself: late elements, late firings, merges and evictions all occur in the input', () => {
  // Guards against an input that would make the matrix trivially pass.
  assert.ok((expected.get('tumble-reduce')?.late.length ?? 0) > 0, 'tumble-reduce drops late elements');
  assert.ok((expected.get('session')?.late.length ?? 0) > 0, 'session drops late elements');
  assert.ok((expected.get('slide')?.late.length ?? 0) > 0, 'slide drops late elements');
  const wstate = expected.get('wstate')?.main ?? [];
  assert.ok(wstate.some((l) => l.includes('firing=3')), 'a window fires three times (two late firings)');
  assert.ok((expected.get('session-purge')?.main ?? []).some((l) => l.startsWith('a [500,14000)')), 'a purged session keeps growing');
  assert.ok((expected.get('dynsession')?.main ?? []).some((l) => l.startsWith('b [-700,19500)')), 'dynamic gaps merge a long session');
});

for (const p of [1, 4]) {
  describe(`-p ${p}: the window matrix`, () => {
    let run: JobRun | undefined;
    const lines = async (): Promise<string[]> => {
      run ??= await runJob(JOB, { parallelism: p });
      assertFinished(run);
      return outputLines(run.stdout);
    };

    for (const [label, c] of Object.entries(CASES)) {
      test(`${label}: exactly the windows, contents and timestamps Flink's operator emits${WITH_LATE.has(label) ? ', late elements to the side output' : ''}`, async () => {
        const printed = await lines();
        const model = expected.get(label);
        assert.ok(model !== undefined);
        const main = printedBy(printed, label, p);
        assertSameMultiset(values(main), model.main, label);
        if (c.keyed !== false && label !== 'agg') assertOneSubtaskPerKey(main, (v) => v.split(' ')[0] ?? '', label);
        if (WITH_LATE.has(label)) assertSameMultiset(values(printedBy(printed, `${label}-late`, p)), model.late, `${label} late side output`);
        if (c.cleared !== undefined) assertSameMultiset(values(printedBy(printed, `${label}-clear`, p)), model.cleared, `${label} clear()`);
      });
    }
  });
}
