"""Tests of system administration: the dashboard."""
