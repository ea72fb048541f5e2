/**
 * The parameters of the Nexmark generator and the formulas that depend only on them (Nexmark's
 * NexmarkConfiguration + GeneratorConfig; reference/flink-runtime.md §10.1). Defaults are
 * Nexmark's: proportions 1:3:46, 10 000 events/s of event time, hot ratios 2 / 4 / 4, 100
 * auctions in flight, 1000 active people, average sizes 200 / 500 / 100 bytes.
 */
export interface NexmarkOptions {
  /** Events per second of event time, over all generators (Nexmark's firstEventRate). */
  readonly firstEventRate?: number;
  /** Parallel generators, each on its own timeline (Nexmark sets it to the source parallelism). */
  readonly numEventGenerators?: number;
  /** Event time of the first event of every generator, epoch ms. */
  readonly baseTime?: number;
}

/** Nexmark starts ids at these so that queries find matches even on small data sets. */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;

/** A fixed default base time (2024-01-01T00:00:00Z), so runs and tests see the same event times. */
export const DEFAULT_BASE_TIME = 1_704_067_200_000;

export class GeneratorConfig {
  readonly personProportion = 1;
  readonly auctionProportion = 3;
  readonly bidProportion = 46;
  readonly totalProportion = 50;
  readonly avgPersonByteSize = 200;
  readonly avgAuctionByteSize = 500;
  readonly avgBidByteSize = 100;
  readonly hotAuctionRatio = 2;
  readonly hotSellersRatio = 4;
  readonly hotBiddersRatio = 4;
  readonly numInFlightAuctions = 100;
  readonly numActivePeople = 1000;
  readonly firstEventRate: number;
  readonly numEventGenerators: number;
  readonly baseTime: number;
  /** Event time between two events of one generator, in microseconds. */
  readonly interEventDelayUs: number;

  constructor(options: NexmarkOptions = {}) {
    this.firstEventRate = options.firstEventRate ?? 10_000;
    this.numEventGenerators = options.numEventGenerators ?? 1;
    this.baseTime = options.baseTime ?? DEFAULT_BASE_TIME;
    if (!(this.firstEventRate > 0)) throw new RangeError(`Nexmark firstEventRate must be > 0 events/s, got ${this.firstEventRate}`);
    if (!Number.isInteger(this.numEventGenerators) || this.numEventGenerators < 1) {
      throw new RangeError(`Nexmark numEventGenerators must be a positive integer, got ${this.numEventGenerators}`);
    }
    this.interEventDelayUs = (1_000_000 / this.firstEventRate) * this.numEventGenerators;
  }

  /** Event time of a generator's `eventNumber`-th event (0-based): `baseTime + ⌊n · delayUs⌋ / 1000`, integer division. */
  timestampForEvent(eventNumber: number): number {
    return this.baseTime + Math.floor(Math.floor(eventNumber * this.interEventDelayUs) / 1000);
  }

  /** The last person id (base 0) at event `eventId`: the current one when the event is a person. */
  lastBase0PersonId(eventId: number): number {
    const epoch = Math.floor(eventId / this.totalProportion);
    let offset = eventId % this.totalProportion;
    if (offset >= this.personProportion) offset = this.personProportion - 1;
    return epoch * this.personProportion + offset;
  }

  /** The last auction id (base 0) at event `eventId`: the current one when the event is an auction. */
  lastBase0AuctionId(eventId: number): number {
    let epoch = Math.floor(eventId / this.totalProportion);
    let offset = eventId % this.totalProportion;
    if (offset < this.personProportion) {
      // A person: the last auction is the last one of the previous epoch.
      epoch--;
      offset = this.auctionProportion - 1;
    } else if (offset >= this.personProportion + this.auctionProportion) {
      // A bid: the last auction of this epoch.
      offset = this.auctionProportion - 1;
    } else {
      offset -= this.personProportion;
    }
    return epoch * this.auctionProportion + offset;
  }
}

/**
 * One generator's share of the event id space (Nexmark's GeneratorConfig.split): ids
 * `[firstEventId, firstEventId + maxEvents)`, of which the first `emitted` are done. Event numbers,
 * which give the event times, count from 0 in every split: the generators run on parallel timelines.
 */
export interface NexmarkSplit {
  readonly firstEventId: number;
  readonly maxEvents: number;
  readonly emitted: number;
}

/** `total` events over `n` generators: equal shares, the last one taking what the division leaves. */
export function splitEvents(total: number, n: number): NexmarkSplit[] {
  const share = Math.floor(total / n);
  const splits: NexmarkSplit[] = [];
  for (let i = 0; i < n; i++) {
    const maxEvents = i === n - 1 ? total - share * (n - 1) : share;
    splits.push({ firstEventId: share * i, maxEvents, emitted: 0 });
  }
  return splits;
}
