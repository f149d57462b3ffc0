// @ag/storage-execution: orders, fills and positions (ExecutionStore), candles (MarketDataStore), trade statistics.
export {};
