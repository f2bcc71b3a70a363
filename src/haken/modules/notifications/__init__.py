"""The in-app inbox: notifications per user, filled after commit by the other areas' events."""
