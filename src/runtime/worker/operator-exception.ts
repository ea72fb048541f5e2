/**
 * A user exception with the operator it came from. The innermost chained operator wraps first,
 * so the name points at the operator whose function threw, not at the head of the chain.
 */
export class OperatorException extends Error {
  constructor(
    readonly operatorName: string,
    cause: unknown,
  ) {
    super(`Operator '${operatorName}' failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
    if (cause instanceof Error && cause.stack !== undefined) this.stack = `${this.name}: ${this.message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  }
}
Object.defineProperty(OperatorException.prototype, 'name', { value: 'OperatorException' });

export function wrapOperatorError(error: unknown, operatorName: string): OperatorException {
  return error instanceof OperatorException ? error : new OperatorException(operatorName, error);
}
