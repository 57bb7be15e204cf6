"""``diplosim dashboard``: the Dash app (``dashboards/``) for a scenario and, optionally, a sweep's results."""

from __future__ import annotations

from pathlib import Path

import typer

from .typer_app import app
from .common import EXIT_USAGE, fail, print_problems


def check_port_free(host: str, port: int) -> None:
    """Fail with one line if the address cannot be bound (checked once the arguments are known to be good)."""
    import socket

    if not 1 <= port <= 65535:
        fail(f"--port: {port} is not a port number (1..65535)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        fail(f"--host: cannot resolve '{host}' ({exc.strerror})")
    family, *_, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            fail(f"--port: cannot listen on {host}:{port} ({exc.strerror}); choose another --port")


def read_token(token_file: Path | None) -> str | None:
    """The dashboard's password: the first line of ``--token-file`` (a regular file, at most 4 KB), else
    ``DIPLOSIM_DASHBOARD_TOKEN``; None for none. One line and exit 2 if the file cannot be read."""
    from dashboards.access import token_from_environment

    if token_file is None:
        return token_from_environment()
    from ..scenario import files

    try:
        text = files.read_limited(token_file, 4096, "a token file").decode("utf-8")
    except (OSError, ValueError) as exc:
        fail(f"--token-file: {exc}")
    return (text.splitlines() or [""])[0].strip() or None


@app.command()
def dashboard(
    scenario: Path = typer.Option(None, "--scenario",
                                  help="scenario file to explore (more can be uploaded in the page)"),
    results: Path = typer.Option(None, "--results", help="sweep results directory to open in the Sweep explorer"),
    results_root: list[Path] = typer.Option(None, "--results-root",
                                            help="a folder whose results directories the Sweep explorer may open "
                                                 "(repeatable; otherwise it opens only --results)"),
    scenario_root: list[Path] = typer.Option(None, "--scenario-root",
                                             help="a folder of scenarios the page may open by name (repeatable); "
                                                  "the first one with observed outcomes gives the Track record tab"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (this machine only by default; any "
                             "other address needs a password: DIPLOSIM_DASHBOARD_TOKEN or --token-file)"),
    token_file: Path = typer.Option(None, "--token-file",
                                    help="file holding the password every request must carry (HTTP Basic, any user "
                                         "name; or 'Authorization: Bearer'); else DIPLOSIM_DASHBOARD_TOKEN"),
    port: int = typer.Option(8050, "--port", help="port to listen on"),
    engine: str = typer.Option("auto", "--engine", help="auto | batch | mesa: engine for the Monte Carlo runs"),
    runs: int = typer.Option(500, "--runs", min=1, max=20_000, help="runs per what-if (default 500)"),
    seed: int = typer.Option(1, "--seed", min=0, help="default root seed of what-ifs and the one-run view"),
) -> None:
    """Explore scenarios, what-ifs and sweep results in the browser (Dash)."""
    from dashboards.api import dashboard as make_dashboard

    from ..scenario import ScenarioError

    if not 1 <= port <= 65535:
        fail(f"--port: {port} is not a port number (1..65535)")
    try:
        board = make_dashboard(scenario, results, results_roots=results_root or (),
                               scenario_roots=scenario_root or (), runs=runs, seed=seed, engine=engine, host=host,
                               token=read_token(token_file))
    except ScenarioError as exc:
        print_problems(exc)
        raise typer.Exit(EXIT_USAGE) from None
    except (ValueError, ImportError) as exc:
        fail(str(exc))
    check_port_free(host, port)  # after the arguments: a busy port never hides their problems
    typer.echo(f"dashboard: {board.url(port)} (Ctrl-C to stop)"
               + ("; every request needs the password" if board.needs_password else ""), err=True)
    board.serve(port)
