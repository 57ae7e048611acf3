"""Every response carries the security headers; pages allow no inline script."""


def test_security_headers_on_pages_and_errors(client, app):
    for url in ("/login", "/no-such-page"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_http_only(client, app):
    response = client.get("/login")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_contain_no_inline_script(client, app):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html
