"""Audit log: who changed what, when, with which request, before → after."""
