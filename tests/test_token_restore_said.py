"""A kept sign-in that does not hold is said on the login form, in the clerk's language, also
when no kept counter was painted first (issue 9's leftover: the form came up without a word,
and the clerk did not know whether the central was down or the sign-in had run out)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from textual.widgets import Input, Static

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.app import make_app
from counter.core import hall_cache
from counter.core.config import Config
from counter.core.credentials import CachedToken, TokenStore
from counter.core.i18n import t
from screens.login import LoginScreen
from tests.pilot import SIZE, until

URL = "http://central.test"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("why", ["refused", "unreachable"])
async def test_a_kept_sign_in_that_does_not_hold_is_said_on_the_login_form(
    central_app: Any, make_client: Any, clock: Any, why: str, lang: str
) -> None:
    clerk = await make_client("1005")
    store = TokenStore(use_keyring=False)
    token = "no-such-token" if why == "refused" else str(clerk.token)
    store.save(URL, CachedToken("1005", token, clock() + timedelta(hours=8)))
    assert not hall_cache.kept_for(URL)  # no kept counter: the login form is the first screen
    transport: httpx.AsyncBaseTransport = StreamingASGITransport(central_app)
    if why == "unreachable":
        transport = httpx.AsyncHTTPTransport(retries=0)  # nothing listens on port 9
    client = CentralClient("http://127.0.0.1:9", transport=transport)
    config = Config(central_url=URL, lang=lang, window=5)
    app = make_app(client=client, config=config, token_store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#login-error")), "the login form")
        form = app.screen
        assert isinstance(form, LoginScreen)
        if why == "refused":
            sentence = t("error.auth_expired")
        else:
            sentence = t("login.unchecked", url="http://127.0.0.1:9")
        error = form.query_one("#login-error", Static)
        await until(pilot, lambda: sentence in str(error.render()), f"the sentence: {sentence}")
        assert app.session.staff is None
        assert form.query_one("#staff-no", Input).value in ("", "1005")
    await client.aclose()
