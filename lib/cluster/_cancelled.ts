// Its own module, free of @kubernetes/client-node: the read-ahead worker (lib/cluster/_read-ahead-worker.ts) loads
// the manifest reader, which needs it, and must not wait for the client's ~0.35 s load.

/** Thrown when the operation was cancelled (SIGINT/SIGTERM, or the caller's AbortSignal). */
export class CancelledError extends Error {
  public constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}
