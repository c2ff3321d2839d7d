"""A test-only app whose one model exercises every column type of the shared importer."""
