"""AWS adapters and the parsers of real AWS responses into the meddoc model."""
