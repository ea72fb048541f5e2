import type { Boundedness, InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from 'flink-ts';
import type { NexmarkEvent } from './model.js';
import type { NexmarkOptions, NexmarkSplit } from './generator-config.js';
import { GeneratorConfig, splitEvents } from './generator-config.js';
import { NexmarkGenerator } from './nexmark-generator.js';

/** Events per `pollNext`: enough to amortise the call, few enough for the task to check backpressure often. */
const BATCH = 256;

/** A split as checkpointed: with the number of generators whose timeline its event numbers are on. */
interface StoredSplit extends NexmarkSplit {
  readonly generators: number;
}

/**
 * The Nexmark generator as a parallel, bounded source (Nexmark's NexmarkSource): `events` event
 * ids split into one contiguous share per subtask, each subtask a generator on its own timeline
 * (so `numEventGenerators` is the parallelism, as Nexmark sets it). Records carry their event
 * time; pair it with a watermark strategy, e.g. bounded out-of-orderness of 4 s like Nexmark's DDL.
 * Checkpoints hold each split's position, so a restored job generates every event exactly once.
 */
export class NexmarkSource implements Source<NexmarkEvent> {
  readonly boundedness: Boundedness = 'BOUNDED';
  readonly defaultName = 'Nexmark Source';

  constructor(
    readonly events: number,
    private readonly options: Omit<NexmarkOptions, 'numEventGenerators'> = {},
  ) {
    if (!Number.isSafeInteger(events) || events < 0) {
      throw new RangeError(`NexmarkSource needs a non-negative integer number of events, got ${events}`);
    }
  }

  createReader(context: SourceReaderContext): SourceReader<NexmarkEvent> {
    let splits: StoredSplit[];
    if (context.restoredSplits !== undefined) {
      splits = context.restoredSplits.map((s) => asStoredSplit(s));
    } else {
      const share = splitEvents(this.events, context.parallelism)[context.subtaskIndex] as NexmarkSplit;
      splits = share.maxEvents === 0 ? [] : [{ ...share, generators: context.parallelism }];
    }
    return new NexmarkReader(splits, this.options);
  }
}

function asStoredSplit(value: unknown): StoredSplit {
  const s = value as Partial<StoredSplit> | null;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (s === null || typeof s !== 'object' || !ok(s.firstEventId) || !ok(s.maxEvents) || !ok(s.emitted) || !ok(s.generators)) {
    throw new Error(`NexmarkSource cannot restore from ${JSON.stringify(value)}: not a Nexmark split (firstEventId, maxEvents, emitted, generators)`);
  }
  return s as StoredSplit;
}

class NexmarkReader implements SourceReader<NexmarkEvent> {
  private current = 0;
  private emitted: number;
  private generator: NexmarkGenerator | undefined;

  constructor(
    private readonly splits: StoredSplit[],
    private readonly options: Omit<NexmarkOptions, 'numEventGenerators'>,
  ) {
    this.emitted = splits[0]?.emitted ?? 0;
  }

  start(): void {}

  pollNext(output: ReaderOutput<NexmarkEvent>): InputStatus {
    const split = this.splits[this.current];
    if (split === undefined) return 'END_OF_INPUT';
    const generator = this.generatorFor(split);
    const config = generator.config;
    const stop = Math.min(split.maxEvents, this.emitted + BATCH);
    for (let n = this.emitted; n < stop; n++) {
      output.collect(generator.nextEvent(split.firstEventId + n, n), config.timestampForEvent(n));
    }
    this.emitted = stop;
    if (stop === split.maxEvents) {
      this.current++;
      this.emitted = this.splits[this.current]?.emitted ?? 0;
    }
    // Records went out in this call: the end is reported by the next one, as other readers do.
    return 'MORE_AVAILABLE';
  }

  snapshotState(): StoredSplit[] {
    return this.splits.slice(this.current).map((s, i) => (i === 0 ? { ...s, emitted: this.emitted } : s));
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  private generatorFor(split: StoredSplit): NexmarkGenerator {
    if (this.generator?.config.numEventGenerators !== split.generators) {
      this.generator = new NexmarkGenerator(new GeneratorConfig({ ...this.options, numEventGenerators: split.generators }));
    }
    return this.generator;
  }
}
