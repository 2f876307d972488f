"""``smarketing serve``: the follow view and the prep screen in web browsers (textual-serve).

Each browser tab gets its own app process on the shared store, started by
textual-serve's ``AppService`` with a command line fixed here, from the workspace
and the app's name only: nothing in a request goes into it. Every request, the
pages as well as the websocket that starts an app process, must carry the token
(in the link, then in a cookie the page sets); a request without it, or with a
wrong one, is refused by a middleware before any handler runs, so before any
process starts. There is no option to turn the check off.
"""

from __future__ import annotations

import hmac
import html
import ipaddress
import secrets
import shlex
import sys
from pathlib import Path

import click

from smarketing_tui.errors import UserError

# The apps served, by the path they are served under: the arguments after `smarketing -w DIR`.
SERVED_APPS: dict[str, tuple[str, ...]] = {"follow": ("follow",), "prep": ("prep",)}
MIN_TOKEN_LENGTH = 12


def served_command(workspace_root: Path, app: str) -> str:
    """The command line textual-serve runs for one browser tab of ``app``."""
    return shlex.join([sys.executable, "-m", "smarketing_tui", "-w", str(workspace_root),
                       *SERVED_APPS[app]])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_matches(given: str | None, token: str) -> bool:
    """Whether a request's token is the server's, compared in constant time."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def cookie_name(token: str) -> str:
    """The cookie that carries the token after the link: named for the server (a digest of
    its token), so that two servers on one host (cookies ignore the port) never mix."""
    import hashlib

    return "smarketing-" + hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]


def make_server(workspace_root: Path, token: str, host: str, port: int):
    """The textual-serve server with the token check on every route."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    class TokenServer(Server):
        """textual-serve's server with a token on every route and one websocket per app."""

        def __init__(self) -> None:
            super().__init__(served_command(workspace_root, "follow"), host=host, port=port,
                             title="smarketing")
            self.token = token
            self.cookie = cookie_name(token)
            self.commands = {app: served_command(workspace_root, app) for app in SERVED_APPS}

        @web.middleware
        async def require_token(self, request: web.Request, handler):
            given = request.query.get("token")
            if given is None:
                given = request.cookies.get(self.cookie)
            if not token_matches(given, self.token):
                raise web.HTTPForbidden(
                    text="smarketing serve: this address needs the link with its token, as "
                         "'smarketing serve' printed it\n")
            response = await handler(request)
            if "token" in request.query and isinstance(response, web.Response):
                response.set_cookie(self.cookie, self.token, httponly=True, samesite="Strict",
                                    path="/")
            return response

        async def _make_app(self) -> web.Application:
            app = web.Application(middlewares=[self.require_token])
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            routes = [web.get("/", self.handle_landing, name="index"),
                      web.get("/download/{key}", self.handle_download, name="download"),
                      web.static("/static", self.statics_path, name="static")]
            for name in SERVED_APPS:
                routes.append(web.get(f"/{name}", self._page(name), name=f"page-{name}"))
                routes.append(web.get(f"/ws/{name}", self._socket(name), name=f"ws-{name}"))
            app.add_routes(routes)
            return app

        async def handle_landing(self, request: web.Request) -> web.Response:
            quoted = html.escape(self.token, quote=True)
            links = "".join(
                f'<p><a href="/{name}?token={quoted}">{label}</a></p>'
                for name, label in (("follow", "Follow the meeting"),
                                    ("prep", "Prep for the next meeting")))
            return web.Response(content_type="text/html", text=LANDING.format(links=links))

        def _page(self, name: str):
            async def page(request: web.Request) -> web.Response:
                scheme = "wss" if request.headers.get("X-Forwarded-Proto",
                                                      request.scheme) == "https" else "ws"
                context = {
                    "font_size": to_int(request.query.get("fontsize", "16"), 16),
                    "app_websocket_url": f"{scheme}://{request.host}/ws/{name}",
                    "config": {"static": {"url": "/static/"}},
                    "application": {"name": f"smarketing {name}"},
                }
                return aiohttp_jinja2.render_template("app_index.html", request, context)

            return page

        def _socket(self, name: str):
            command = self.commands[name]

            async def socket(request: web.Request) -> web.WebSocketResponse:
                """As textual-serve's own handler, with this app's fixed command line."""
                import asyncio

                websocket = web.WebSocketResponse(heartbeat=15)
                width = to_int(request.query.get("width", "80"), 80)
                height = to_int(request.query.get("height", "24"), 24)
                service = None
                try:
                    await websocket.prepare(request)
                    service = AppService(command, write_bytes=websocket.send_bytes,
                                         write_str=websocket.send_str, close=websocket.close,
                                         download_manager=self.download_manager)
                    await service.start(width, height)
                    try:
                        await self._process_messages(websocket, service)
                    finally:
                        await service.stop()
                except asyncio.CancelledError:
                    await websocket.close()
                finally:
                    if service is not None:
                        await service.stop()
                return websocket

            return socket

    return TokenServer()


LANDING = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>smarketing</title>
<style>body {{ background: #0c181f; color: #eee; font-family: monospace; padding: 2em; }}
a {{ color: #8cf; font-size: 1.4em; }}</style></head>
<body><h1>smarketing</h1>{links}
<p>Each link opens its own window on the team's store. Keep this address to yourself:
it is the key.</p></body></html>
"""


def serve_until_stopped(server, host: str, port: int, on_listening) -> None:
    """Listen on host:port (0: a free port) until SIGINT or SIGTERM; ``on_listening(port)``
    once the socket is bound, so a printed link works at once."""
    import asyncio
    import signal

    from aiohttp import web

    async def main() -> None:
        runner = web.AppRunner(await server._make_app(), handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise UserError(f"cannot listen on {host}:{port}: {error.strerror or error}") \
                from None
        bound = runner.addresses[0][1]  # the port chosen when asked for 0
        on_listening(bound)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback must be given on purpose: "
                   "there is no TLS.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--token", metavar="TOKEN",
              help=f"The link's token (at least {MIN_TOKEN_LENGTH} characters); default: a "
                   "new random one.")
@click.pass_obj
def serve(state, host: str, port: int, token: str | None) -> None:
    """Serve the follow view and the prep screen to web browsers.

    Prints a link with a token: whoever opens it can follow the running meeting
    (read-only) or prep as anyone in the team. Each browser tab runs its own app on
    this workspace's store. Requests without the token are refused.
    """
    workspace = state.workspace()
    if token is None:
        token = secrets.token_urlsafe(24)
    elif len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise UserError(f"--token: expected at least {MIN_TOKEN_LENGTH} characters without "
                        f"spaces, got {len(token)} characters")
    from smarketing_tui.store import open_readonly

    open_readonly(workspace.db_path).close()  # a store no app could read: one line, now
    if not is_loopback(host):
        click.echo(f"Warning: serving on {host} without TLS: the link and everything shown "
                   "travel in clear text. Keep it behind the company's VPN or a reverse proxy "
                   "with TLS.", err=True)
    server = make_server(workspace.root.resolve(), token, host, port)

    def listening(bound: int) -> None:
        shown = host if is_loopback(host) or host not in ("0.0.0.0", "::") else _hostname()
        shown = f"[{shown}]" if ":" in shown else shown
        click.echo(f"Serving the follow view and prep of {workspace.root} to browsers.\n"
                   f"Open this link (it holds the key; share it only with the team):\n\n"
                   f"    http://{shown}:{bound}/?token={token}\n\n"
                   "Ctrl+C stops the server.")
        sys.stdout.flush()

    serve_until_stopped(server, host, port, listening)


def _hostname() -> str:
    import socket

    return socket.gethostname()
