"""``simulator.dashboard(...)``: the dashboard from Python, checked as ``diplosim dashboard`` checks it (the command
parses its options, calls ``dashboard`` and serves what it returns). It lives with the dashboard, in the
interfaces layer, because the Python API (``simulator.api``) sits below the dashboard and may not import it."""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass
class Dashboard:
    """A dashboard ready to serve (``dashboard``): the Dash ``app`` (its Flask server: ``app.server``), the address
    it may listen on, and whether every request needs the password."""

    app: object
    host: str
    token: str | None

    @property
    def needs_password(self) -> bool:
        return bool(self.token)

    def url(self, port: int) -> str:
        return f"http://{self.host}:{port}/"

    def serve(self, port: int = 8050) -> None:
        """Serve until interrupted (Ctrl-C)."""
        self.app.run(host=self.host, port=port, debug=False)


def dashboard(scenario=None, results=None, *, results_roots=(), scenario_roots=(), runs: int = 500, seed: int = 1,
              engine: str = "auto", host: str = "127.0.0.1", token: str | None = None,
              warm: bool = True) -> Dashboard:
    """The dashboard (``diplosim dashboard``) for a scenario (a path or ``simulator.load``'s; more can be uploaded
    in the page) and a sweep's ``results`` directory; the Sweep explorer may open folders under ``results_roots``,
    the page corpus scenarios under ``scenario_roots`` (the first with observed outcomes gives the Track record
    tab); what-ifs run ``runs`` runs from ``seed`` on ``engine``. Any ``host`` but this machine needs a ``token``
    (the password every request carries). ``ScenarioError`` for a bad scenario; ValueError in one line naming the
    option as the command line spells it; ImportError (one line) without Dash."""
    from simulator.api import _loaded
    from simulator.runner import ENGINES

    from .access import token_problem

    if engine not in ENGINES:
        raise ValueError(f"--engine: unknown engine '{engine}' (choose from {', '.join(ENGINES)})")
    for option, roots in (("--results-root", results_roots), ("--scenario-root", scenario_roots)):
        for root in roots or ():
            if not Path(root).is_dir():
                raise ValueError(f"{option}: '{root}' is not a directory")
    problem = token_problem(token, host)
    if problem:
        raise ValueError(problem)
    loaded = _loaded(scenario) if scenario is not None else None
    if results is not None:
        from simulator.report import ReportError, load_results

        try:
            load_results(results)
        except ReportError as exc:
            raise ValueError(str(exc).replace("RESULTS_DIR", "--results", 1)) from None
    try:
        from .app import create_app
    except ImportError as exc:
        raise ImportError(f"dashboard: needs Dash ({exc.name} is not installed): pip install "
                          "'diplosim[dashboard]'") from None
    app = create_app(loaded, results, runs=runs, seed=seed, engine=engine, warm=warm,
                     results_roots=results_roots or (), scenario_roots=scenario_roots or (), token=token)
    return Dashboard(app, host, token)
