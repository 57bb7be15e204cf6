"""Parameter sweeps: ``--vary`` specs, samplers, chunked execution (process pool or Dask), resume.

A sweep is a list of points (parameter overrides) times ``runs`` replications.
Run ``(point, replication)`` always draws from its own generator keyed by
(root seed, point, replication), so the dataset does not depend on how runs
are grouped into chunks or where the chunks execute.
"""

#: Runs per task and per Parquet part unless --chunk says otherwise. The batch engine runs fastest per core from
#: about 20,000 runs a chunk (``benchmarks/bench_speed.py --only engine``); the Mesa engine, at about 20 runs/s,
#: reports progress every few seconds with 100.
DEFAULT_CHUNK = {"batch": 20_000, "mesa": 100}
