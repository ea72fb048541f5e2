/**
 * The restart strategies decide from the failures and the time alone, so a fake clock shows
 * their delays, limits and resets exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Configuration } from '../../../src/config/index.js';
import { ExponentialDelayRestartBackoffTimeStrategy } from '../../../src/runtime/jobmaster/restart/exponential-delay-restart-backoff-time-strategy.js';
import { FailureRateRestartBackoffTimeStrategy } from '../../../src/runtime/jobmaster/restart/failure-rate-restart-backoff-time-strategy.js';
import { FixedDelayRestartBackoffTimeStrategy } from '../../../src/runtime/jobmaster/restart/fixed-delay-restart-backoff-time-strategy.js';
import { NoRestartBackoffTimeStrategy } from '../../../src/runtime/jobmaster/restart/no-restart-backoff-time-strategy.js';
import {
  restartBackoffTimeStrategyFactoryFrom,
  restartStrategyTypeOf,
} from '../../../src/runtime/jobmaster/restart/restart-backoff-time-strategy-factory.js';

/** A clock that only moves when the test says so. */
function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const failure = new Error('boom');

test('none never restarts', () => {
  const s = new NoRestartBackoffTimeStrategy();
  s.notifyFailure(failure);
  assert.equal(s.canRestart(), false);
  assert.equal(s.toString(), 'NoRestartBackoffTimeStrategy');
});

test('fixed-delay allows exactly `attempts` restarts, each after the delay', () => {
  const s = new FixedDelayRestartBackoffTimeStrategy(2, 100);
  const verdicts: boolean[] = [];
  for (let i = 0; i < 3; i++) {
    assert.equal(s.notifyFailure(failure), true);
    verdicts.push(s.canRestart());
    assert.equal(s.getBackoffTime(), 100);
  }
  assert.deepEqual(verdicts, [true, true, false]);
  assert.equal(s.toString(), 'FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=100)');
});

test('failure-rate fails the job when max-failures-per-interval failures fall within the interval', () => {
  const clock = fakeClock();
  const s = new FailureRateRestartBackoffTimeStrategy(3, 60_000, 1000, clock.now);
  s.notifyFailure(failure);
  assert.equal(s.canRestart(), true);
  clock.advance(10_000);
  s.notifyFailure(failure);
  assert.equal(s.canRestart(), true);
  clock.advance(10_000);
  s.notifyFailure(failure);
  // Three failures within 20 s of a 60 s window.
  assert.equal(s.canRestart(), false);
  assert.equal(s.getBackoffTime(), 1000);
});

test('failure-rate keeps restarting while failures are further apart than the interval allows', () => {
  const clock = fakeClock();
  const s = new FailureRateRestartBackoffTimeStrategy(2, 60_000, 1000, clock.now);
  for (let i = 0; i < 10; i++) {
    s.notifyFailure(failure);
    assert.equal(s.canRestart(), true, `failure ${i + 1}`);
    clock.advance(60_001);
  }
});

test('exponential-delay grows the wait by the multiplier up to the maximum', () => {
  const clock = fakeClock();
  const s = new ExponentialDelayRestartBackoffTimeStrategy(
    { initialBackoffMs: 1000, maxBackoffMs: 5000, backoffMultiplier: 2, resetBackoffThresholdMs: 3_600_000, jitterFactor: 0, attemptsBeforeResetBackoff: 100 },
    clock.now,
  );
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    assert.equal(s.notifyFailure(failure), true);
    assert.equal(s.canRestart(), true);
    const wait = s.getBackoffTime();
    waits.push(wait);
    // The restart happens, and the job fails again a moment later.
    clock.advance(wait + 1);
  }
  assert.deepEqual(waits, [1000, 2000, 4000, 5000, 5000]);
});

test('exponential-delay merges failures that arrive before the pending restart into it', () => {
  const clock = fakeClock();
  const s = new ExponentialDelayRestartBackoffTimeStrategy(
    { initialBackoffMs: 1000, maxBackoffMs: 60_000, backoffMultiplier: 1.5, resetBackoffThresholdMs: 3_600_000, jitterFactor: 0, attemptsBeforeResetBackoff: 1 },
    clock.now,
  );
  assert.equal(s.notifyFailure(failure), true);
  clock.advance(500);
  assert.equal(s.notifyFailure(failure), false);
  assert.equal(s.canRestart(), true, 'a merged failure uses no attempt');
  assert.equal(s.getBackoffTime(), 500);
  clock.advance(501);
  s.notifyFailure(failure);
  assert.equal(s.canRestart(), false, 'the second attempt exceeds attempts-before-reset-backoff = 1');
});

test('exponential-delay starts over after running for reset-backoff-threshold without a failure', () => {
  const clock = fakeClock();
  const s = new ExponentialDelayRestartBackoffTimeStrategy(
    { initialBackoffMs: 1000, maxBackoffMs: 60_000, backoffMultiplier: 2, resetBackoffThresholdMs: 10_000, jitterFactor: 0, attemptsBeforeResetBackoff: 2 },
    clock.now,
  );
  s.notifyFailure(failure);
  clock.advance(1001);
  s.notifyFailure(failure);
  assert.equal(s.getBackoffTime(), 2000);
  clock.advance(2000 + 10_000);
  s.notifyFailure(failure);
  assert.equal(s.canRestart(), true, 'the attempt count was reset');
  assert.equal(s.getBackoffTime(), 1000, 'the wait was reset');
});

test('exponential-delay jitter stays within ±jitter-factor of the wait, and within [initial, max]', () => {
  const settings = { initialBackoffMs: 1000, maxBackoffMs: 60_000, backoffMultiplier: 1.5, resetBackoffThresholdMs: 3_600_000, jitterFactor: 0.1, attemptsBeforeResetBackoff: 100 };
  const clockLow = fakeClock();
  const clockHigh = fakeClock();
  const lowWaits: number[] = [];
  const highWaits: number[] = [];
  const l = new ExponentialDelayRestartBackoffTimeStrategy(settings, clockLow.now, () => 0);
  const h = new ExponentialDelayRestartBackoffTimeStrategy(settings, clockHigh.now, () => 0.999999);
  for (let i = 0; i < 2; i++) {
    l.notifyFailure(failure);
    h.notifyFailure(failure);
    lowWaits.push(l.getBackoffTime());
    highWaits.push(h.getBackoffTime());
    clockLow.advance(l.getBackoffTime() + 1);
    clockHigh.advance(h.getBackoffTime() + 1);
  }
  // 1000 − 100 is clamped up to the initial backoff; 1500 ± 150.
  assert.deepEqual(lowWaits, [1000, 1350]);
  assert.deepEqual(highWaits, [1100, 1650]);
  assert.ok(l.canRestart() && h.canRestart());
});

test("the configuration picks Flink's strategy and defaults", () => {
  assert.equal(restartStrategyTypeOf(Configuration.empty()), 'none');
  assert.equal(restartStrategyTypeOf(Configuration.fromMap({ 'execution.checkpointing.interval': '10 s' })), 'exponential-delay');
  for (const alias of ['none', 'off', 'disable']) assert.equal(restartStrategyTypeOf(Configuration.fromMap({ 'restart-strategy.type': alias })), 'none');
  assert.equal(restartStrategyTypeOf(Configuration.fromMap({ 'restart-strategy': 'fixed-delay' })), 'fixed-delay', 'the deprecated key');

  const fixed = restartBackoffTimeStrategyFactoryFrom(Configuration.fromMap({ 'restart-strategy.type': 'fixed-delay' }))();
  assert.equal(fixed.toString(), 'FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=1, backoffTimeMS=1000)');
  const rate = restartBackoffTimeStrategyFactoryFrom(Configuration.fromMap({ 'restart-strategy.type': 'failure-rate' }))();
  assert.equal(rate.toString(), 'FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=60000, backoffTimeMS=1000, maxFailuresPerInterval=1)');
  const exp = restartBackoffTimeStrategyFactoryFrom(Configuration.fromMap({ 'execution.checkpointing.interval': '10 s' }))();
  assert.match(
    exp.toString(),
    /^ExponentialDelayRestartBackoffTimeStrategy\(initialBackoffMS=1000, maxBackoffMS=60000, backoffMultiplier=1\.5, resetBackoffThresholdMS=3600000, jitterFactor=0\.1, attemptsBeforeResetBackoff=2147483647,/,
  );
  const custom = restartBackoffTimeStrategyFactoryFrom(
    Configuration.fromMap({ 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '2', 'restart-strategy.fixed-delay.delay': '100 ms' }),
  )();
  assert.equal(custom.toString(), 'FixedDelayRestartBackoffTimeStrategy(maxNumberRestartAttempts=2, backoffTimeMS=100)');
});
