/** Serving arithmetic: KV cache sizes, the model configurations behind them, request latency, and how to print them. */
export * from './kv-cache-size';
export * from './dtypes';
export * from './models';
export * from './format';
export * from './latency';
