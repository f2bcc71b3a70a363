"""Generated documents: versioned PDFs from a snapshot of the data at issue time."""
