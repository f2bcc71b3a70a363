"""The page fixtures of the web tests (sign in through the form)."""

from tests.integration.web.conftest import page_login  # noqa: F401 (a fixture)
