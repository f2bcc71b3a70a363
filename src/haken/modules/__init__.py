"""Business areas: one package each, all shaped the same (docs/architecture.md)."""
