/** Serving arithmetic: KV cache sizes, request latency, GPU sizing and token prices, the configurations behind them, and how to print them. */
export * from './kv-cache-size';
export * from './dtypes';
export * from './models';
export * from './gpus';
export * from './sizing';
export * from './measured';
export * from './format';
export * from './latency';
