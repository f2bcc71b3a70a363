"""The page fixtures of the web tests (sign in through the form; built assets)."""

from tests.integration.web.conftest import built_assets, page_login  # noqa: F401 (fixtures)
