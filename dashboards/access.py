"""Who may use a dashboard that other machines can reach: a password (token) on every request.

Bound to this machine only (127.0.0.1, ::1, localhost) the dashboard needs no password. Bound to any other
address it must have one (``DIPLOSIM_DASHBOARD_TOKEN``, or ``--token-file``), and then every request (the page,
its scripts, every callback) must carry it: as the password of HTTP Basic authentication (the browser asks for it
once and sends it with every request; any user name) or as ``Authorization: Bearer TOKEN`` (scripts).
A request without it gets 401 and nothing else.
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
import os

TOKEN_VARIABLE = "DIPLOSIM_DASHBOARD_TOKEN"
MIN_TOKEN_CHARS = 16  # a password other machines may try: long enough not to be guessed
REALM = "diplosim dashboard"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, 'localhost')."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve to anything


def token_problem(token: str | None, host: str) -> str | None:
    """The one-line reason the dashboard may not start on ``host`` with ``token`` (None: it may)."""
    if token is None or token == "":
        if is_loopback(host):
            return None
        return (f"--host: {host} lets other machines reach the dashboard; set a password first: "
                f"{TOKEN_VARIABLE}=<at least {MIN_TOKEN_CHARS} characters> or --token-file FILE "
                f"(or keep --host 127.0.0.1 behind a reverse proxy)")
    if len(token) < MIN_TOKEN_CHARS:
        return f"token: {len(token)} characters; a dashboard password needs at least {MIN_TOKEN_CHARS}"
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        return "token: spaces or control characters; use letters, digits and punctuation"
    return None


def token_from_environment() -> str | None:
    return os.environ.get(TOKEN_VARIABLE) or None


def authorised(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` (Basic: as the password; or Bearer)."""
    if not header:
        return False
    scheme, _, value = header.strip().partition(" ")
    given = None
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            given = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return False
    return given is not None and hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def require_token(server, token: str) -> None:
    """Make the Flask ``server`` refuse every request that does not carry ``token`` (401, before any view)."""
    from flask import Response, request

    def check():
        if not authorised(request.headers.get("Authorization"), token):
            return Response("This dashboard needs its password (any user name).\n", 401,
                            {"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"',
                             "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"})
        return None

    server.before_request(check)
