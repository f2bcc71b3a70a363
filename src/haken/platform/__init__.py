"""The service layer: knows nothing of staffing (enforced by import-linter)."""
