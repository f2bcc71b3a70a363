"""haken: the operating system of a Japanese dispatch staffing agency."""

__version__ = "0.1.0"
