import type { Buffer } from './buffer.js';

/** One consumed subpartition, seen from the consuming task. */
export interface InputChannel {
  readonly channelIndex: number;
  /** The next buffer, or undefined when none has arrived yet. */
  poll(): Buffer | undefined;
  /** Starts consuming (partition request). */
  request(): void;
  release(): void;
}

/** How a channel tells its gate that it has data, so an idle task wakes up. */
export interface ChannelAvailabilityListener {
  notifyChannelNonEmpty(channel: InputChannel): void;
  notifyChannelError(channel: InputChannel, error: Error): void;
}
