/** Serving arithmetic: KV cache sizes, the model configurations behind them, and how to print them. */
export * from './kv-cache-size';
export * from './dtypes';
export * from './models';
export * from './format';
