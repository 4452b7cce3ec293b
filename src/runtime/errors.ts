/**
 * One error type for everything the runtime can fail at. It has to survive the
 * worker boundary (structured clone drops the class), so it travels as plain
 * data and is rebuilt on the other side.
 */

export type RuntimeErrorKind =
	| 'load'
	/** The connection failed: offline, DNS, a reset mid-download. */
	| 'network'
	/** The server answered 404 or 410: the file is not there, retrying will not help. */
	| 'not-found'
	/** The server answered 5xx (or another unexpected status). */
	| 'server'
	/** A download stopped delivering bytes (or headers) for the stall timeout. */
	| 'stalled'
	| 'corrupt-model'
	| 'no-backend'
	| 'bad-settings'
	/** The caller abandoned the load (LoadControl.signal). */
	| 'cancelled'
	| 'internal';

export class RuntimeError extends Error {
	readonly kind: RuntimeErrorKind;
	/** The settings field at fault, for 'bad-settings'. */
	readonly field?: string;

	constructor(kind: RuntimeErrorKind, message: string, options?: { cause?: unknown; field?: string }) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'RuntimeError';
		this.kind = kind;
		if (options?.field !== undefined) this.field = options.field;
	}
}

/** Every caller that abandoned a load gets this, so the page can tell it from a failure. */
export function loadCancelled(): RuntimeError {
	return new RuntimeError('cancelled', 'The model load was cancelled.');
}

export interface SerializedError {
	kind: RuntimeErrorKind;
	message: string;
	field?: string;
}

export function serializeError(err: unknown, fallbackKind: RuntimeErrorKind = 'internal'): SerializedError {
	if (err instanceof RuntimeError) {
		return err.field === undefined
			? { kind: err.kind, message: err.message }
			: { kind: err.kind, message: err.message, field: err.field };
	}
	return { kind: fallbackKind, message: describe(err) };
}

export function deserializeError(e: SerializedError): RuntimeError {
	return new RuntimeError(e.kind, e.message, e.field === undefined ? undefined : { field: e.field });
}

/** A readable message from anything thrown (ORT throws strings and numbers too). */
export function describe(err: unknown): string {
	if (err instanceof Error) return err.message || err.name;
	if (typeof err === 'string') return err;
	try {
		return JSON.stringify(err);
	} catch {
		return String(err);
	}
}
