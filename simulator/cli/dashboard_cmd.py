"""``diplosim dashboard``: the Dash app (``dashboards/``) for a scenario and, optionally, a sweep's results."""

from __future__ import annotations

from pathlib import Path

import typer

from .typer_app import app
from .common import fail, load_or_exit


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
    from ..runner import ENGINES

    if engine not in ENGINES:
        fail(f"--engine: unknown engine '{engine}' (choose from {', '.join(ENGINES)})")
    for root in results_root or []:
        if not root.is_dir():
            fail(f"--results-root: '{root}' is not a directory")
    for root in scenario_root or []:
        if not root.is_dir():
            fail(f"--scenario-root: '{root}' is not a directory")
    if not 1 <= port <= 65535:
        fail(f"--port: {port} is not a port number (1..65535)")
    token = read_token(token_file)
    from dashboards.access import token_problem

    problem = token_problem(token, host)
    if problem:
        fail(problem)
    loaded = load_or_exit(scenario) if scenario is not None else None
    if results is not None:
        from ..report import ReportError, load_results

        try:
            load_results(results)
        except ReportError as exc:
            fail(str(exc).replace("RESULTS_DIR", "--results", 1))
    check_port_free(host, port)  # after the arguments: a busy port never hides their problems
    try:
        from dashboards.app import create_app
    except ImportError as exc:
        fail(f"dashboard: needs Dash ({exc.name} is not installed): pip install 'diplosim[dashboard]'")
    try:
        dash_app = create_app(loaded, results, runs=runs, seed=seed, engine=engine, results_roots=results_root or (),
                              scenario_roots=scenario_root or (),
                              token=token)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(f"dashboard: http://{host}:{port}/ (Ctrl-C to stop)"
               + ("; every request needs the password" if token else ""), err=True)
    dash_app.run(host=host, port=port, debug=False)
