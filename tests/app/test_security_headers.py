"""Security headers, CSRF and cookie flags."""


def test_every_page_has_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_forms_refuse_a_post_without_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login", data={"email": "a@b.nl", "password": "x"})
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True)


def test_production_sets_hsts_and_secure_cookies(monkeypatch, database_url, make_app):
    monkeypatch.setenv("DRAAGVLAK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/13")
    app = make_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
