"""Local mode: offline engines, the SQLite store, file blobs, the runner and the server."""
