import type { StreamExecutionEnvironment } from '../environment/stream-execution-environment.js';
import type { MapStateDescriptor } from '../state/state-descriptor.js';
import type { Transformation } from '../transformations/transformation.js';

/**
 * A stream sent whole to every parallel instance of the operator it is connected to, together with
 * the broadcast states that operator keeps (Flink's BroadcastStream). Made by
 * `dataStream.broadcast(...descriptors)`; use it with `stream.connect(broadcastStream)`.
 */
export class BroadcastStream<T> {
  private readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[];

  /** @param transformation the input, already partitioned with the broadcast partitioner. */
  constructor(
    private readonly environment: StreamExecutionEnvironment,
    private readonly transformation: Transformation<T>,
    descriptors: readonly MapStateDescriptor<unknown, unknown>[],
  ) {
    descriptors.forEach((descriptor, i) => {
      const d = descriptor as unknown as { kind?: unknown; name?: unknown } | null | undefined;
      if (d === null || typeof d !== 'object' || d.kind !== 'map' || typeof d.name !== 'string') {
        throw new TypeError(
          `broadcast(...) takes MapStateDescriptors (the broadcast states), but argument ${i + 1} is ${describe(descriptor)}: ` +
            "create it with new MapStateDescriptor<K, V>('name').",
        );
      }
    });
    this.descriptors = [...descriptors];
  }

  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.environment;
  }

  getBroadcastStateDescriptors(): readonly MapStateDescriptor<unknown, unknown>[] {
    return this.descriptors;
  }

  /** @internal */
  getTransformation(): Transformation<T> {
    return this.transformation;
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const name = (value as { name?: unknown }).name;
  return `a ${typeof ctor === 'string' ? ctor : 'object'}${typeof name === 'string' ? ` named '${name}'` : ''}`;
}
