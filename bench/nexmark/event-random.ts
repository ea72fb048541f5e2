/**
 * The generator's random numbers. Nexmark's Flink generator draws from an unseeded
 * java.util.Random, so its data differs on every run; here each event reseeds from its event id
 * (as Beam's original Nexmark did), so an event is the same whichever subtask generates it and
 * tests can recompute every query result. SplitMix32: a few integer ops per draw.
 */
export class EventRandom {
  private state = 0;

  /** Starts the sequence of event `eventId` (any safe integer). */
  seed(eventId: number): void {
    const high = Math.floor(eventId / 4_294_967_296);
    this.state = (eventId | 0) ^ Math.imul(high, 0x27d4eb2d) ^ 0x5bd1e995;
  }

  /** A uniform unsigned 32-bit integer. */
  next32(): number {
    let z = (this.state = (this.state + 0x9e3779b9) | 0);
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform in `[0, n)` for `n` up to 2^21 (all the generator needs). */
  nextInt(n: number): number {
    return Math.floor((this.next32() * n) / 4_294_967_296);
  }

  /** Uniform in `[0, 1)`. */
  nextDouble(): number {
    return this.next32() / 4_294_967_296;
  }
}
