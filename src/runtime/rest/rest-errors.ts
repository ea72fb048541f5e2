/**
 * Errors that become REST responses. Every error response has Flink's body `{"errors": [...]}`;
 * a handler (or the facade) throws a {@link RestHandlerError} to choose status and message, and
 * anything else thrown becomes a 500 whose details only go to the log.
 */

/** A failure with the HTTP status and message the client should get. */
export class RestHandlerError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. `Allow` for a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
Object.defineProperty(RestHandlerError.prototype, 'name', { value: 'RestHandlerError' });

export const INTERNAL_ERROR_MESSAGE = 'Internal server error.';

export function badRequest(message: string): RestHandlerError {
  return new RestHandlerError(400, message);
}

export function notFound(message: string): RestHandlerError {
  return new RestHandlerError(404, message);
}

export function jobNotFound(jobId: string): RestHandlerError {
  return notFound(`Job ${jobId} not found.`);
}

export function taskManagerNotFound(taskManagerId: string): RestHandlerError {
  return notFound(`TaskManager ${taskManagerId} not found.`);
}

export function contentTooLarge(limit: number): RestHandlerError {
  return new RestHandlerError(413, `Request content exceeds the limit of ${limit} bytes (rest.server.max-content-length).`);
}

/** Flink's error body. */
export function errorBody(messages: readonly string[]): { errors: string[] } {
  return { errors: [...messages] };
}
