"""Client invoices (請求書): bill rates, invoices from the attendance ledger, payments."""
