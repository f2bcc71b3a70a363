"""Master-data imports: employees and candidates from a CSV or Excel file (issue 19 item 6)."""
