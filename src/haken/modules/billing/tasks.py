"""Background jobs of the billing area: none yet (invoices are drafted on request)."""
