import type { ChainingStrategy, StreamOperator, StreamOperatorFactory } from './stream-operator.js';

/** A factory over a constructor closure; the chaining strategy can be changed per operator. */
export class SimpleOperatorFactory implements StreamOperatorFactory {
  readonly isSource = false;
  constructor(
    private readonly build: () => StreamOperator,
    public chainingStrategy: ChainingStrategy = 'ALWAYS',
  ) {}
  create(): StreamOperator {
    return this.build();
  }
}
