"""Parameter sweeps: ``--vary`` specs, samplers, chunked execution (process pool or Dask), resume.

A sweep is a list of points (parameter overrides) times ``runs`` replications.
Run ``(point, replication)`` always draws from its own generator keyed by
(root seed, point, replication), so the dataset does not depend on how runs
are grouped into chunks or where the chunks execute.
"""
