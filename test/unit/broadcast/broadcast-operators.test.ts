import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Collector } from '../../../src/api/common/records.js';
import type {
  BroadcastProcessContext,
  BroadcastProcessReadOnlyContext,
} from '../../../src/api/functions/broadcast-process-function.js';
import type {
  KeyedBroadcastOnTimerContext,
  KeyedBroadcastProcessContext,
  KeyedBroadcastProcessReadOnlyContext,
} from '../../../src/api/functions/keyed-broadcast-process-function.js';
import { OutputTag } from '../../../src/api/common/output-tag.js';
import { NO_TIMESTAMP } from '../../../src/api/common/records.js';
import { BroadcastProcessFunction } from '../../../src/api/functions/broadcast-process-function.js';
import { KeyedBroadcastProcessFunction } from '../../../src/api/functions/keyed-broadcast-process-function.js';
import { CoBroadcastWithKeyedOperator } from '../../../src/api/operators/co-broadcast-with-keyed-operator.js';
import { CoBroadcastWithNonKeyedOperator } from '../../../src/api/operators/co-broadcast-with-non-keyed-operator.js';
import { MapStateDescriptor, ValueStateDescriptor } from '../../../src/api/state/state-descriptor.js';
import { ManualProcessingTime, newBackend, rangeOf } from '../state/state-test-support.js';
import { TwoInputHarness } from '../state/two-input-harness.js';

/** A rule: events of at least `min` match it; `min: null` removes the rule. */
type Rule = { name: string; min: number | null };
type Event = { user: string; amount: number };

const RULES = new MapStateDescriptor<string, number>('rules');
const UNDECLARED = new MapStateDescriptor<string, number>('ruels');
const MATCHES = new OutputTag<string>('matches');

class MatchNow extends BroadcastProcessFunction<Event, Rule, string> {
  processElement(e: Event, ctx: BroadcastProcessReadOnlyContext, out: Collector<string>): void {
    const names = [...ctx.getBroadcastState(RULES).immutableEntries()].filter(([, min]) => e.amount >= min).map(([name]) => name);
    out.collect(`${e.user} ${e.amount}: ${names.sort().join(',') || '-'}`);
    ctx.output(MATCHES, `side ${e.user}@${ctx.timestamp() ?? 'none'} wm=${ctx.currentWatermark()}`);
  }
  processBroadcastElement(rule: Rule, ctx: BroadcastProcessContext, out: Collector<string>): void {
    const rules = ctx.getBroadcastState(RULES);
    if (rule.min === null) rules.remove(rule.name);
    else rules.put(rule.name, rule.min);
    out.collect(`rule ${rule.name}`);
  }
}

function nonKeyed(fn: BroadcastProcessFunction<Event, Rule, string>): TwoInputHarness<Event, Rule> {
  return new TwoInputHarness<Event, Rule>(new CoBroadcastWithNonKeyedOperator(fn, [RULES]), undefined, undefined, undefined, new ManualProcessingTime(0));
}

test('BroadcastProcessFunction: the broadcast side writes the state, the other side reads it; timestamps and side outputs go through', async () => {
  const h = nonKeyed(new MatchNow());
  await h.open();
  h.process1({ user: 'a', amount: 50 }, 1);
  h.process2({ name: 'big', min: 100 }, 2);
  h.process2({ name: 'any', min: 0 }, NO_TIMESTAMP);
  h.watermark(5);
  h.process1({ user: 'b', amount: 150 }, 10);
  h.process2({ name: 'big', min: null }, 11);
  h.process1({ user: 'c', amount: 150 }, 12);
  assert.deepEqual(
    h.emitted.filter((e) => e.side === undefined),
    [
      { value: 'a 50: -', timestamp: 1 },
      { value: 'rule big', timestamp: 2 },
      { value: 'rule any', timestamp: NO_TIMESTAMP },
      { value: 'b 150: any,big', timestamp: 10 },
      { value: 'rule big', timestamp: 11 },
      { value: 'c 150: any', timestamp: 12 },
    ],
  );
  assert.deepEqual(
    h.emitted.filter((e) => e.side === MATCHES.id).map((e) => e.value),
    ['side a@1 wm=-Infinity', 'side b@10 wm=5', 'side c@12 wm=5'],
  );
  assert.deepEqual(h.watermarks, [5]);
});

test('the non-broadcast side cannot change the broadcast state: writes throw a clear error', async () => {
  for (const write of ['put', 'putAll', 'remove', 'clear'] as const) {
    const h = nonKeyed(
      new (class extends MatchNow {
        override processElement(_e: Event, ctx: BroadcastProcessReadOnlyContext): void {
          const state = ctx.getBroadcastState(RULES) as unknown as Record<string, (...args: unknown[]) => void>;
          state[write]?.('x', 1);
        }
      })(),
    );
    await h.open();
    assert.throws(
      () => h.process1({ user: 'a', amount: 1 }, 0),
      (e: Error) => e.message.includes(`Broadcast state 'rules' is read-only here (${write}() was called)`) && e.message.includes('processBroadcastElement()'),
    );
  }
});

test('a descriptor not declared in broadcast(...) is refused on both sides, naming it and the declared ones', async () => {
  const expected = /The broadcast state 'ruels' does not exist: only the states whose MapStateDescriptor was passed to broadcast\(\.\.\.\) can be used \(declared: 'rules'\)/;
  const h = nonKeyed(
    new (class extends MatchNow {
      override processElement(_e: Event, ctx: BroadcastProcessReadOnlyContext): void {
        ctx.getBroadcastState(UNDECLARED);
      }
      override processBroadcastElement(_r: Rule, ctx: BroadcastProcessContext): void {
        ctx.getBroadcastState(UNDECLARED);
      }
    })(),
  );
  await h.open();
  assert.throws(() => h.process1({ user: 'a', amount: 1 }, 0), expected);
  assert.throws(() => h.process2({ name: 'x', min: 1 }, 0), expected);
});

/**
 * Keeps each event until the watermark passes its time (an event-time timer), then matches it
 * against the rules as they are then; counts matches per user in keyed state. A `reset` rule
 * clears every user's count through applyToKeyedState; a `report` rule lists them.
 */
const COUNT = new ValueStateDescriptor<number>('count');
const PENDING = new ValueStateDescriptor<[amount: number, ts: number][]>('pending');

class MatchAtWatermark extends KeyedBroadcastProcessFunction<string, Event, Rule, string> {
  processElement(e: Event, ctx: KeyedBroadcastProcessReadOnlyContext<string>): void {
    const pending = this.getRuntimeContext().getState(PENDING);
    pending.update([...(pending.value() ?? []), [e.amount, ctx.timestamp() ?? 0]]);
    ctx.timerService().registerEventTimeTimer(ctx.timestamp() ?? 0);
    if (e.amount === 999) ctx.timerService().registerProcessingTimeTimer(ctx.currentProcessingTime() + 100);
    if (e.amount < 0) ctx.timerService().deleteEventTimeTimer(ctx.timestamp() ?? 0);
  }

  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastProcessContext<string>, out: Collector<string>): void {
    if (rule.name === 'reset') {
      ctx.applyToKeyedState(COUNT, (_user, count) => count.clear());
      return;
    }
    if (rule.name === 'report') {
      const counts: string[] = [];
      ctx.applyToKeyedState(COUNT, (user, count) => counts.push(`${user}=${count.value() ?? 0}`));
      out.collect(`report ${counts.sort().join(' ')}`);
      return;
    }
    const rules = ctx.getBroadcastState(RULES);
    if (rule.min === null) rules.remove(rule.name);
    else rules.put(rule.name, rule.min);
  }

  override onTimer(timestamp: number, ctx: KeyedBroadcastOnTimerContext<string>, out: Collector<string>): void {
    const pending = this.getRuntimeContext().getState(PENDING);
    const count = this.getRuntimeContext().getState(COUNT);
    const rules = [...ctx.getBroadcastState(RULES).immutableEntries()];
    const all = pending.value() ?? [];
    for (const [amount] of all.filter(([, ts]) => ts <= timestamp)) {
      const names = rules.filter(([, min]) => amount >= min).map(([name]) => name).sort();
      count.update((count.value() ?? 0) + names.length);
      out.collect(`${ctx.timeDomain()} ${ctx.getCurrentKey()} ${amount}@${timestamp}: ${names.join(',') || '-'}`);
    }
    pending.update(all.filter(([, ts]) => ts > timestamp));
    assert.equal(ctx.timestamp(), timestamp);
  }
}

function keyed(clock = new ManualProcessingTime(0), range = rangeOf(1, 0)): TwoInputHarness<Event, Rule> {
  return new TwoInputHarness<Event, Rule>(
    new CoBroadcastWithKeyedOperator(new MatchAtWatermark(), [RULES]),
    (e) => e.user,
    undefined,
    newBackend(clock, range),
    clock,
  );
}

test('KeyedBroadcastProcessFunction: event-time timers fire with their key and keyed state before the watermark goes on, reading the rules of that moment', async () => {
  const h = keyed();
  await h.open();
  h.process2({ name: 'big', min: 100 }, 0);
  h.process1({ user: 'a', amount: 150 }, 10);
  h.process1({ user: 'b', amount: 50 }, 10);
  h.process1({ user: 'a', amount: 20 }, 20);
  h.watermark(10);
  h.process2({ name: 'small', min: 10 }, 15);
  h.watermark(25);
  assert.deepEqual(h.values(), ['EVENT_TIME a 150@10: big', 'EVENT_TIME b 50@10: -', 'EVENT_TIME a 20@20: small']);
  assert.deepEqual(
    h.emitted.map((e) => e.timestamp),
    [10, 10, 20],
  );
  assert.deepEqual(h.watermarks, [10, 25]);
});

test('KeyedBroadcastProcessFunction: applyToKeyedState visits every key of the subtask, may clear, and leaves the current key as it was', async () => {
  const h = keyed();
  await h.open();
  h.process2({ name: 'any', min: 0 }, 0);
  h.process1({ user: 'a', amount: 1 }, 1);
  h.process1({ user: 'b', amount: 2 }, 1);
  h.process1({ user: 'c', amount: 3 }, 1);
  h.watermark(1);
  h.process2({ name: 'report', min: null }, 2);
  h.backend?.setCurrentKey('b');
  h.process2({ name: 'reset', min: null }, 3);
  assert.equal(h.backend?.getCurrentKey(), 'b');
  h.process2({ name: 'report', min: null }, 4);
  assert.deepEqual(h.values().slice(3), ['report a=1 b=1 c=1', 'report ']);
});

test('KeyedBroadcastProcessFunction: processing-time timers fire through the clock with no timestamp; deleted timers do not fire', async () => {
  const clock = new ManualProcessingTime(1000);
  const h = keyed(clock);
  await h.open();
  h.process1({ user: 'a', amount: 999 }, 5);
  h.process1({ user: 'b', amount: -1 }, 7);
  clock.advanceTo(1100);
  assert.deepEqual(h.emitted, [{ value: 'PROCESSING_TIME a 999@1100: -', timestamp: NO_TIMESTAMP }]);
  h.watermark(100);
  // a's event-time timer at 5 still fires (its pending list is empty now); b's was deleted.
  assert.equal(h.emitted.length, 1);
});

test('KeyedBroadcastProcessFunction: the broadcast state is read-only in processElement and onTimer', async () => {
  const clock = new ManualProcessingTime(0);
  const h = new TwoInputHarness<Event, Rule>(
    new CoBroadcastWithKeyedOperator(
      new (class extends MatchAtWatermark {
        override onTimer(_t: number, ctx: KeyedBroadcastOnTimerContext<string>): void {
          (ctx.getBroadcastState(RULES) as unknown as { put(k: string, v: number): void }).put('x', 1);
        }
      })(),
      [RULES],
    ),
    (e) => e.user,
    undefined,
    newBackend(clock),
    clock,
  );
  await h.open();
  h.process1({ user: 'a', amount: 1 }, 1);
  assert.throws(() => h.watermark(1), /Broadcast state 'rules' is read-only here \(put\(\) was called\)/);
});

test('broadcast state and timers survive a snapshot and a restore at parallelism 2: the rules are copied to both subtasks, timers go with their key', async () => {
  const before = keyed();
  await before.open();
  before.process2({ name: 'big', min: 100 }, 0);
  const users = ['a', 'b', 'c', 'd', 'e', 'f'];
  for (const user of users) before.process1({ user, amount: 100 + user.charCodeAt(0) }, 50);
  const snapshot = before.snapshot();

  const fired: string[] = [];
  for (const index of [0, 1]) {
    const after = keyed(new ManualProcessingTime(0), rangeOf(2, index));
    await after.open(snapshot);
    after.process2({ name: 'report', min: null }, 60);
    after.watermark(Number.POSITIVE_INFINITY);
    fired.push(...(after.values() as string[]).filter((v) => !v.startsWith('report')));
  }
  assert.deepEqual(
    fired.sort(),
    users.map((u) => `EVENT_TIME ${u} ${100 + u.charCodeAt(0)}@50: big`),
  );
});
