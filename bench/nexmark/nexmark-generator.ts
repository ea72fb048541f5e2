import type { Auction, Bid, NexmarkEvent, Person } from './model.js';
import type { GeneratorConfig } from './generator-config.js';
import { AUCTION, BID, PERSON } from './model.js';
import { EventRandom } from './event-random.js';
import { FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, NUM_CATEGORIES } from './generator-config.js';
import { nextExtra, nextString } from './strings.js';

/**
 * Makes Nexmark events from their ids (Nexmark's NexmarkGenerator with its Person, Auction and
 * Bid generators): `eventId % 50` picks the kind (0 person, 1–3 auction, else bid), the ids of
 * people and auctions follow from the event id, bids favour hot auctions and bidders, and the
 * event time comes from the event number within the generator's split. Deterministic: the same
 * (eventId, eventNumber) always gives the same event.
 */
export class NexmarkGenerator {
  private readonly random = new EventRandom();

  constructor(readonly config: GeneratorConfig) {}

  /** The event with id `eventId`, the `eventNumber`-th (0-based) of its generator. */
  nextEvent(eventId: number, eventNumber: number): NexmarkEvent {
    const config = this.config;
    const timestamp = config.timestampForEvent(eventNumber);
    this.random.seed(eventId);
    const rem = eventId % config.totalProportion;
    if (rem < config.personProportion) {
      return { type: PERSON, person: this.nextPerson(eventId, timestamp), auction: null, bid: null };
    }
    if (rem < config.personProportion + config.auctionProportion) {
      return { type: AUCTION, person: null, auction: this.nextAuction(eventId, eventNumber, timestamp), bid: null };
    }
    return { type: BID, person: null, auction: null, bid: this.nextBid(eventId, timestamp) };
  }

  private nextPerson(eventId: number, timestamp: number): Person {
    const random = this.random;
    const id = this.config.lastBase0PersonId(eventId) + FIRST_PERSON_ID;
    const name = `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
    const emailAddress = `${nextString(random, 7)}@${nextString(random, 5)}.com`;
    let creditCard = '';
    for (let i = 0; i < 4; i++) creditCard += (i > 0 ? ' ' : '') + String(random.nextInt(10_000)).padStart(4, '0');
    const city = pick(random, US_CITIES);
    const state = pick(random, US_STATES);
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = nextExtra(random, size, this.config.avgPersonByteSize);
    return { id, name, emailAddress, creditCard, city, state, dateTime: timestamp, extra };
  }

  private nextAuction(eventId: number, eventNumber: number, timestamp: number): Auction {
    const random = this.random;
    const config = this.config;
    const id = config.lastBase0AuctionId(eventId) + FIRST_AUCTION_ID;
    // P(hot seller) = 1 - 1/hotSellersRatio: the first person of the last batch of 100.
    const seller =
      (random.nextInt(config.hotSellersRatio) > 0
        ? Math.floor(config.lastBase0PersonId(eventId) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO
        : this.nextBase0PersonId(eventId)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + random.nextInt(NUM_CATEGORIES);
    const initialBid = nextPrice(random);
    const expires = timestamp + this.nextAuctionLengthMs(eventNumber, timestamp);
    const itemName = nextString(random, 20);
    const description = nextString(random, 100);
    const reserve = initialBid + nextPrice(random);
    const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
    const extra = nextExtra(random, size, config.avgAuctionByteSize);
    return { id, itemName, description, initialBid, reserve, dateTime: timestamp, expires, seller, category, extra };
  }

  private nextBid(eventId: number, timestamp: number): Bid {
    const random = this.random;
    const config = this.config;
    // P(hot auction) = 1 - 1/hotAuctionRatio: the first auction of the last batch of 100.
    const auction =
      (random.nextInt(config.hotAuctionRatio) > 0
        ? Math.floor(config.lastBase0AuctionId(eventId) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO
        : this.nextBase0AuctionId(eventId)) + FIRST_AUCTION_ID;
    // P(hot bidder) = 1 - 1/hotBiddersRatio: the second person of the last batch of 100, so hot bidders are not hot sellers.
    const bidder =
      (random.nextInt(config.hotBiddersRatio) > 0
        ? Math.floor(config.lastBase0PersonId(eventId) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1
        : this.nextBase0PersonId(eventId)) + FIRST_PERSON_ID;
    const price = nextPrice(random);
    let channel: string;
    let url: string;
    if (random.nextInt(HOT_CHANNELS_RATIO) > 0) {
      const i = random.nextInt(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i] as string;
      url = HOT_URLS[i] as string;
    } else {
      const n = random.nextInt(CHANNELS_NUMBER);
      channel = CHANNEL_NAMES[n] as string;
      url = channelUrl(n);
    }
    const extra = nextExtra(random, 8 + 8 + 8 + 8, config.avgBidByteSize);
    return { auction, bidder, price, channel, url, dateTime: timestamp, extra };
  }

  /** One of the active people (the last `numActivePeople`) or one of the next 10 not yet created. */
  private nextBase0PersonId(eventId: number): number {
    const numPeople = this.config.lastBase0PersonId(eventId) + 1;
    const activePeople = Math.min(numPeople, this.config.numActivePeople);
    return numPeople - activePeople + this.random.nextInt(activePeople + PERSON_ID_LEAD);
  }

  /** One of the auctions likely still in flight (the last `numInFlightAuctions`) or one of the next 10. */
  private nextBase0AuctionId(eventId: number): number {
    const maxAuction = this.config.lastBase0AuctionId(eventId);
    const minAuction = Math.max(maxAuction - this.config.numInFlightAuctions, 0);
    return minAuction + this.random.nextInt(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
  }

  /** Averages the event time it takes to generate `numInFlightAuctions` more auctions, ×2 at most. */
  private nextAuctionLengthMs(eventNumber: number, timestamp: number): number {
    const config = this.config;
    const eventsForAuctions = Math.floor((config.numInFlightAuctions * config.totalProportion) / config.auctionProportion);
    const horizonMs = config.timestampForEvent(eventNumber + eventsForAuctions) - timestamp;
    return 1 + this.random.nextInt(Math.max(horizonMs * 2, 1));
  }
}

const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
const HOT_AUCTION_RATIO = 100;
const HOT_SELLER_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const HOT_CHANNELS_RATIO = 2;
const CHANNELS_NUMBER = 10_000;
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

/** A url like Nexmark's: three random path segments (with `_` as the occasional separator). */
function baseUrl(random: EventRandom): string {
  return `https://www.nexmark.com/${nextString(random, 5, '_')}/${nextString(random, 5, '_')}/${nextString(random, 5, '_')}/item.htm?query=1`;
}

/** Seeded per url, so every worker derives the same urls without sharing a cache. */
const urlRandom = new EventRandom();
const HOT_URLS = HOT_CHANNELS.map((_, i) => {
  urlRandom.seed(-1 - i);
  return baseUrl(urlRandom);
});
const CHANNEL_NAMES = Array.from({ length: CHANNELS_NUMBER }, (_, i) => `channel-${i}`);
const CHANNEL_URLS = new Array<string | undefined>(CHANNELS_NUMBER);

/** Channel `n`'s url, made once: 90 % of them carry a `channel_id` parameter (`|reverse bits of n|`). */
function channelUrl(n: number): string {
  const cached = CHANNEL_URLS[n];
  if (cached !== undefined) return cached;
  urlRandom.seed(CHANNELS_NUMBER + n);
  let url = baseUrl(urlRandom);
  if (urlRandom.nextInt(10) > 0) url += `&channel_id=${Math.abs(reverseBits(n))}`;
  CHANNEL_URLS[n] = url;
  return url;
}

/** Java's Integer.reverse: the 32 bits of `x` in reverse order, as a signed int. */
function reverseBits(x: number): number {
  let v = x >>> 0;
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) | 0;
}

/** Log-uniform between 1 and 10^6 dollars, in cents. */
function nextPrice(random: EventRandom): number {
  return Math.round(Math.pow(10, random.nextDouble() * 6) * 100);
}

function pick(random: EventRandom, values: readonly string[]): string {
  return values[random.nextInt(values.length)] as string;
}
