"""System administration for super admins: the cache (stats, health, info, invalidation, clear)."""
