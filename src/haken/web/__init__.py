"""The web UI's foundation: rendering, CSRF, assets, i18n; business modules add their pages."""
