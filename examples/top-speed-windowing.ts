/**
 * The top speed of each car over its last 10 seconds, reported every 50 meters it drives, as
 * Flink's TopSpeedWindowing example. Car records are `(carId,speed,distance,timestamp)`: speed in
 * km/h, distance in meters since the start, timestamp in epoch ms (the record's event time).
 * Per car, a global window with a DeltaTrigger fires whenever the car has driven more than 50 m
 * since the record the trigger last fired on; a TimeEvictor first drops the records more than
 * 10 s older than the newest one, and maxBy(1) picks the fastest record left (the first one on
 * ties). Output lines are Flink's Tuple4 format, the distance printed as a Java double
 * (`(1,50,26.38888888888889,1424951919632)`, `(1,40,50.0,1424951921634)`).
 *
 *   flink-ts run examples/top-speed-windowing.ts [--input <file or dir>]... [--output <dir>]
 *                                                 [--cars <n>] [--records <n>] [--rate <n>] [--seed <n>]
 *
 *   --input <path>   read car records, one `(carId,speed,distance,timestamp)` per line, instead of
 *                    generating them; repeat for several inputs. Records of one car must be in
 *                    timestamp order. Finite and deterministic: the way to test the example.
 *   --output <dir>   write the results to part files below <dir> instead of printing them.
 *   Without --input, a generator drives the cars (parallelism 1, as in Flink): every car starts
 *   at 50 km/h, its speed goes up or down by 5 (within [0,100]) at each of its records, and it
 *   drives speed/3.6 meters (one second's worth) between records; timestamps are the wall clock.
 *   --cars <n>       number of cars (default 2); records go to cars 0..n-1 in turn.
 *   --records <n>    stop after n records (default: never, like Flink's generator).
 *   --rate <n>       records per second (default 10, as Flink's rate limiter); 0 for no limit.
 *   --seed <n>       seed of the speed changes, for repeatable runs (default: random).
 */
import type { Collector, DataStream } from 'flink-ts';
import {
  DataGeneratorSource,
  DefaultRollingPolicy,
  DeltaTrigger,
  FileSink,
  GlobalWindows,
  ParameterTool,
  RateLimiterStrategy,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  TextFileSource,
  Time,
  TimeEvictor,
  WatermarkStrategy,
} from 'flink-ts';

type CarEvent = [carId: number, speed: number, distance: number, timestamp: number];
/** A CarEvent with the distance already printed as Java prints a double. */
type PrintedCarEvent = [carId: number, speed: number, distance: string, timestamp: number];

const EVICTION_SEC = 10;
const TRIGGER_METERS = 50;

/** A small seeded PRNG (mulberry32): repeatable runs need a seed, which Math.random lacks. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Flink's CarGeneratorFunction, simplified: one record per call, for cars 0..n-1 in turn. Its
 * state lives in the instance (as in Flink), so a restarted job starts the cars over.
 */
class CarGenerator {
  private readonly speeds: number[];
  private readonly distances: number[];
  private readonly random: () => number;

  constructor(numOfCars: number, seed: number) {
    this.speeds = Array.from({ length: numOfCars }, () => 50);
    this.distances = Array.from({ length: numOfCars }, () => 0);
    this.random = seededRandom(seed);
  }

  map(index: number): CarEvent {
    const carId = index % this.speeds.length;
    const speed = (this.speeds[carId] ?? 0) + (this.random() < 0.5 ? 5 : -5);
    this.speeds[carId] = Math.min(100, Math.max(0, speed));
    // Meters in one second at this speed: the original CarSource's step.
    this.distances[carId] = (this.distances[carId] ?? 0) + (this.speeds[carId] ?? 0) / 3.6;
    return [carId, this.speeds[carId] ?? 0, this.distances[carId] ?? 0, Date.now()];
  }
}

/** Flink's ParseCarData: `(carId,speed,distance,timestamp)`, parentheses included. */
function parseCarData(line: string): CarEvent {
  const text = line.trim();
  const numbers = text.slice(1, -1).split(',').map((field) => (field.trim() === '' ? Number.NaN : Number(field)));
  if (!text.startsWith('(') || !text.endsWith(')') || numbers.length !== 4 || !numbers.every((n) => Number.isFinite(n))) {
    throw new Error(`Cannot parse car record '${line}': expected (carId,speed,distance,timestamp), e.g. (0,55,15.27,1424951918630).`);
  }
  return numbers as CarEvent;
}

/** Java's Double.toString for the values a car drives: always a decimal point, E notation outside [1e-3, 1e7). */
function javaDouble(value: number): string {
  const magnitude = Math.abs(value);
  if (value === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

const params = ParameterTool.fromArgs();
const env = StreamExecutionEnvironment.getExecutionEnvironment();

let carData: DataStream<CarEvent>;
const inputs = params.getMultiParameter('input') ?? [];
if (inputs.length > 0) {
  const [first, ...rest] = inputs.map((path) =>
    // One reader per file: the trigger compares each record with the car's previous one, so a
    // car's records must arrive in file order, which parallel splits of one file would not keep.
    env.fromSource(new TextFileSource(path), WatermarkStrategy.noWatermarks(), 'file-input').setParallelism(1),
  );
  const lines: DataStream<string> = rest.length === 0 ? (first as DataStream<string>) : (first as DataStream<string>).union(...rest);
  carData = lines
    .flatMap((line: string, out: Collector<CarEvent>) => {
      if (line.trim() !== '') out.collect(parseCarData(line));
    })
    .name('parse-input')
    .setParallelism(1);
} else {
  console.log('Executing TopSpeedWindowing example with default input data set.');
  console.log('Use --input to specify file input.');
  const cars = params.getInt('cars', 2);
  if (cars < 1) throw new Error(`--cars must be at least 1, got ${cars}.`);
  const records = params.has('records') ? params.getInt('records') : Number.POSITIVE_INFINITY;
  const rate = params.getDouble('rate', 10);
  if (rate < 0) throw new Error(`--rate must be 0 (no limit) or a positive number of records per second, got ${rate}.`);
  const seed = params.getInt('seed', Math.floor(Math.random() * 2 ** 32));
  const generator = new CarGenerator(cars, seed);
  carData = env
    .fromSource(
      new DataGeneratorSource<CarEvent>(generator, records, rate === 0 ? RateLimiterStrategy.noOp() : RateLimiterStrategy.perSecond(rate)),
      WatermarkStrategy.noWatermarks(),
      'Car data generator source',
    )
    .setParallelism(1);
}

const topSpeeds = carData
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<CarEvent>().withTimestampAssigner((car) => car[3]))
  // Chained to the single-subtask input: at a higher parallelism the records would be spread
  // round-robin and a car's records could reach its window out of order.
  .setParallelism(1)
  .keyBy((car) => car[0])
  .window(GlobalWindows.create())
  .evictor(TimeEvictor.of(Time.seconds(EVICTION_SEC)))
  .trigger(DeltaTrigger.of(TRIGGER_METERS, (oldDataPoint: CarEvent, newDataPoint: CarEvent) => newDataPoint[2] - oldDataPoint[2]))
  .maxBy(1)
  // Java prints a double with a decimal point (50.0), JavaScript does not (50).
  .map((car): PrintedCarEvent => [car[0], car[1], javaDouble(car[2]), car[3]])
  .name('format');

const output = params.get('output');
if (output !== undefined) {
  topSpeeds
    .sinkTo(
      FileSink.forRowFormat(output, new SimpleStringEncoder<PrintedCarEvent>())
        .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024 * 1024).withRolloverInterval(10_000).build())
        .build(),
    )
    .name('file-sink');
} else {
  console.log('Printing result to stdout. Use --output to specify output path.');
  topSpeeds.print();
}

await env.execute('CarTopSpeedWindowingExample');
