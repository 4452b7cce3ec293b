/** One request to a bench worker (raw-worker.ts), answered by its next message: `{ ok, result }` or `{ ok: false, error }`. */
export function askWorker<T>(worker: Worker, message: unknown): Promise<T> {
	return new Promise((resolve, reject) => {
		worker.onmessage = (e: MessageEvent<{ ok: boolean; error?: string; result?: T }>) =>
			e.data.ok ? resolve(e.data.result as T) : reject(new Error(e.data.error));
		worker.postMessage(message);
	});
}
