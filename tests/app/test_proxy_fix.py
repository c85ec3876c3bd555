"""Behind a TLS proxy: rate limits key on the forwarded client address only when configured."""

from config import DevelopmentConfig, ProductionConfig


def _codes(client, forwarded_for: list[str]) -> list[int]:
    return [
        client.post(
            "/api/v1/responses", json={"token": "x", "answers": {}}, headers={"X-Forwarded-For": address}
        ).status_code
        for address in forwarded_for
    ]


def test_without_proxy_fix_a_forwarded_header_does_not_escape_the_limit(make_app):
    # Default (PROXY_FIX_X_FOR=0): the header is the client's own claim; every request counts
    # against the connecting address, so inventing addresses does not buy more attempts.
    app = make_app("testing", RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="2 per minute")
    codes = _codes(app.test_client(), ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
    assert codes == [404, 404, 429]


def test_with_one_trusted_proxy_each_client_address_has_its_own_limit(make_app):
    app = make_app("testing", RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="2 per minute", PROXY_FIX_X_FOR=1)
    client = app.test_client()
    # Two clients behind the same proxy: each gets its own two attempts …
    assert _codes(client, ["203.0.113.1", "203.0.113.1", "203.0.113.2", "203.0.113.2"]) == [404] * 4
    # … and the third attempt of either is refused.
    assert _codes(client, ["203.0.113.1", "203.0.113.2"]) == [429, 429]
    # Only the last hop (the one the trusted proxy appended) counts: a client that prepends a
    # forged address is still keyed on its real one.
    assert _codes(client, ["198.51.100.9, 203.0.113.1"]) == [429]


def _whoami(app) -> str:
    @app.get("/_whoami")
    def whoami():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    return app.test_client().get("/_whoami", headers=headers).get_data(as_text=True)


def test_the_remote_address_and_scheme_seen_by_the_app(make_app):
    assert _whoami(make_app("testing", PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)) == "203.0.113.7 https"
    assert _whoami(make_app("testing")) == "127.0.0.1 http"  # untrusted headers are ignored


def test_proxy_fix_is_read_from_the_environment_in_every_environment():
    for cls in (DevelopmentConfig, ProductionConfig):
        configured = cls.from_environ({"SECRET_KEY": "s" * 40, "PROXY_FIX_X_FOR": "1", "PROXY_FIX_X_PROTO": "1"})
        assert (configured.PROXY_FIX_X_FOR, configured.PROXY_FIX_X_PROTO, configured.PROXY_FIX_X_HOST) == (1, 1, 0)
        assert cls.from_environ({"SECRET_KEY": "s" * 40}).PROXY_FIX_X_FOR == 0
