/**
 * The Nexmark data model (reference/flink-runtime.md §10.1): people, the auctions they open and
 * the bids on them. Times are epoch milliseconds, prices are cents. Field names follow Nexmark's
 * so the queries read like its SQL.
 */
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  /** Padding up to the configured average size of a person event. */
  readonly extra: string;
}

export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  /** A Person id. */
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

export interface Bid {
  /** An Auction id. */
  readonly auction: number;
  /** A Person id. */
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** Nexmark's `event_type` column: 0 person, 1 auction, 2 bid. */
export const PERSON = 0;
export const AUCTION = 1;
export const BID = 2;
export type EventType = typeof PERSON | typeof AUCTION | typeof BID;

/**
 * One generated event; exactly one of the three is set. One shape for all three kinds keeps the
 * source's output monomorphic (V8 optimises one hidden class far better than three).
 */
export interface NexmarkEvent {
  readonly type: EventType;
  readonly person: Person | null;
  readonly auction: Auction | null;
  readonly bid: Bid | null;
}
