"""Cache: freshness after every write, admin API, failover against a real Redis."""
