"""The agency dashboard: every area's figures in one statement, cached, each a link to its list."""
