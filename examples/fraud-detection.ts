/**
 * Fraud detection, as in Flink's DataStream API walkthrough: card transactions keyed by account;
 * a small transaction (< 1.00) followed by a large one (> 500.00) on the same account within one
 * minute raises an alert. The detector keeps a flag and its timer in keyed ValueState and clears
 * the flag with a processing-time timer, so the pattern must happen within the minute.
 *
 *   flink-ts run examples/fraud-detection.ts [--transactions <n>] [--rate <per second>]
 *
 * Transactions are generated deterministically (`--transactions`, default 500): accounts 1 to 5,
 * amounts from a fixed cycle in which accounts 3 and 5 show the pattern. Alerts print as
 * `Alert{id=<account>}`, the way the walkthrough's AlertSink logs them.
 */
import type { Collector, KeyedProcessContext, OnTimerContext, ValueState } from 'flink-ts';
import {
  DataGeneratorSource,
  KeyedProcessFunction,
  ParameterTool,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
} from 'flink-ts';

interface Transaction {
  readonly accountId: number;
  readonly timestamp: number;
  readonly amount: number;
}

const SMALL_AMOUNT = 1.0;
const LARGE_AMOUNT = 500.0;
const ONE_MINUTE = 60 * 1000;

/** A fixed cycle of amounts per account; on accounts 3 and 5 a small amount precedes a large one. */
const AMOUNTS: Readonly<Record<number, readonly number[]>> = {
  1: [188.23, 374.79, 112.15, 478.75, 208.85],
  2: [379.64, 351.44, 320.75, 259.42, 273.44],
  3: [0.21, 734.18, 267.13, 99.94, 402.71],
  4: [24.11, 129.02, 452.37, 302.5, 11.9],
  5: [0.77, 512.0, 355.55, 133.65, 41.92],
};

function transaction(index: number): Transaction {
  const accountId = (index % 5) + 1;
  const cycle = AMOUNTS[accountId] ?? [];
  const amount = cycle[Math.floor(index / 5) % cycle.length] ?? 0;
  return { accountId, timestamp: 1_700_000_000_000 + index * 6 * 60 * 1000, amount };
}

class FraudDetector extends KeyedProcessFunction<number, Transaction, string> {
  private flag!: ValueState<boolean>;
  private timer!: ValueState<number>;

  override open(): void {
    this.flag = this.getRuntimeContext().getState(new ValueStateDescriptor<boolean>('flag'));
    this.timer = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('timer-state'));
  }

  processElement(tx: Transaction, ctx: KeyedProcessContext<number>, out: Collector<string>): void {
    if (this.flag.value() !== null) {
      if (tx.amount > LARGE_AMOUNT) out.collect(`Alert{id=${tx.accountId}}`);
      this.cleanUp(ctx);
    }
    if (tx.amount < SMALL_AMOUNT) {
      this.flag.update(true);
      const time = ctx.timerService().currentProcessingTime() + ONE_MINUTE;
      ctx.timerService().registerProcessingTimeTimer(time);
      this.timer.update(time);
    }
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<number>, _out: Collector<string>): void {
    // A minute passed without a large transaction: the small one no longer counts.
    this.timer.clear();
    this.flag.clear();
  }

  private cleanUp(ctx: KeyedProcessContext<number>): void {
    const time = this.timer.value();
    if (time !== null) ctx.timerService().deleteProcessingTimeTimer(time);
    this.timer.clear();
    this.flag.clear();
  }
}

const params = ParameterTool.fromArgs();
const env = StreamExecutionEnvironment.getExecutionEnvironment();
const rate = params.getDouble('rate', 0);
env
  .fromSource(
    new DataGeneratorSource(transaction, params.getInt('transactions', 500), rate > 0 ? RateLimiterStrategy.perSecond(rate) : RateLimiterStrategy.noOp()),
    WatermarkStrategy.noWatermarks(),
    'transactions',
  )
  .keyBy((tx) => tx.accountId)
  .process(new FraudDetector())
  .name('fraud-detector')
  .print();

await env.execute('Fraud Detection');
