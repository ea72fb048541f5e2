import type { SerializedThrowable } from '../../core/errors.js';

/**
 * Where a slot worker lives: its TaskManager and slot. Partition requests and buffers are
 * addressed to it; the TaskManager's router delivers them (between workers of one TaskManager
 * over MessagePorts, between TaskManagers over its data connection).
 */
export interface WorkerAddress {
  readonly taskManagerId: string;
  readonly slotIndex: number;
  /** `host:port` of the TaskManager's data server; absent inside a MiniCluster. */
  readonly dataAddress?: string | undefined;
}

export function addressKey(a: WorkerAddress): string {
  return `${a.taskManagerId}/${a.slotIndex}`;
}

/** Flink's network protocol messages, consumer → producer and producer → consumer. */
export type NetworkMessage =
  | {
      readonly t: 'PartitionRequest';
      readonly partitionId: string;
      readonly subpartition: number;
      readonly receiverId: string;
      readonly credit: number;
      readonly replyTo: WorkerAddress;
    }
  | { readonly t: 'AddCredit'; readonly receiverId: string; readonly credit: number }
  | { readonly t: 'CancelPartitionRequest'; readonly receiverId: string }
  | { readonly t: 'BufferResponse'; readonly receiverId: string; readonly backlog: number; readonly bytes: Uint8Array }
  | { readonly t: 'ErrorResponse'; readonly receiverId: string; readonly error: SerializedThrowable }
  /** Sent by the TaskExecutor itself: the data connection to that TaskManager broke. */
  | { readonly t: 'ConnectionLost'; readonly taskManagerId: string; readonly dataAddress: string };

export interface RoutedMessage {
  readonly to: WorkerAddress;
  readonly message: NetworkMessage;
}
