"""Where every run's randomness comes from, laid out for exact reproduction.

Every uniform a run uses is a pure function of (root seed, point, replication)
and of what it is for, computed with 64-bit integer arithmetic (no generator
state, so any number of runs is drawn at once with numpy, and a run's draws do
not depend on which other runs share its chunk, process or engine):

- the run key ``K = mix(mix(mix(fold(seed) + G) ^ (point + G)) ^ (replication + G))``;
- the draw key of parameter ``name`` is ``name_key("param:" + name)``; the draw
  key of slot ``name`` in weekly step ``k`` is ``mix(name_key("slot:" + name) + (k + 1) * G)``;
- the uniform is ``(mix(K + draw key) >> 11) * 2**-53``, in [0, 1).

``mix`` is the SplitMix64 output function (David Stafford's "Mix13" constants),
a bijection of 64-bit words with full avalanche; ``G`` is the 64-bit golden
ratio 0x9E3779B97F4A7C15; all sums are modulo 2**64; ``name_key`` is the first
8 bytes (little-endian) of the BLAKE2b digest of the UTF-8 name; ``fold`` maps
a seed of any size to 64 bits (``seed mod 2**64`` mixed with its higher words).

Draws are keyed by name, not position: adding a parameter, slot or week shifts
no other draw, and two variants of a scenario (what-ifs through parameters,
switches or an added actor) share every draw whose name they share (common
random numbers). The Mesa model draws one run's matrix eagerly; the batch
engine draws a step's column for all runs of a chunk only when the step reads it
(``StepUniforms``), which is what makes it fast. Mesa itself receives the run key
as its ``rng`` seed (this model never uses ``model.random``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SCHEME = "splitmix64-keyed-by-name/1"  # written to manifests (draw_layout.scheme); change it with the layout
G = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_MASK = (1 << 64) - 1
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's output function on uint64 (a new array; wraps modulo 2**64)."""
    x = x ^ (x >> _S30)
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def _mix_int(x: int) -> int:
    return int(mix(np.array([x & _MASK], np.uint64))[0])


def fold(seed: int) -> int:
    """A root seed of any size as 64 bits: the low word, each higher word mixed in."""
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    out, seed = seed & _MASK, seed >> 64
    while seed:
        out = _mix_int(out ^ (seed & _MASK))
        seed >>= 64
    return out


@lru_cache(maxsize=4096)
def name_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def run_keys(root_seed: int, points, replications) -> np.ndarray:
    """The key of each run (point, replication) under ``root_seed``, as uint64."""
    with np.errstate(over="ignore"):
        base = mix(np.array([fold(root_seed)], np.uint64) + G)
        k = mix(base ^ (np.asarray(points, dtype=np.int64).astype(np.uint64) + G))
        return mix(k ^ (np.asarray(replications, dtype=np.int64).astype(np.uint64) + G))


def run_key(root_seed: int, replication: int, point: int = 0) -> int:
    return int(run_keys(root_seed, [point], [replication])[0])


def param_keys(names) -> np.ndarray:
    return np.array([name_key("param:" + n) for n in names], np.uint64)


def step_keys(slots, n_steps: int) -> np.ndarray:
    """(n_steps, n_slots) draw keys of the step uniforms."""
    base = np.array([name_key("slot:" + s) for s in slots], np.uint64)
    with np.errstate(over="ignore"):
        return mix(base[None, :] + np.arange(1, n_steps + 1, dtype=np.uint64)[:, None] * G)


def uniforms(keys: np.ndarray, draw_keys) -> np.ndarray:
    """``uniform(K + D)`` for run keys ``keys`` against draw keys ``draw_keys`` (broadcast)."""
    x = keys + draw_keys  # arrays wrap silently modulo 2**64; mix() in place below (fewer temporaries)
    t = x >> _S30
    x ^= t
    x *= _M1
    np.right_shift(x, _S27, out=t)
    x ^= t
    x *= _M2
    np.right_shift(x, _S31, out=t)
    x ^= t
    x >>= _S11
    u = x.astype(np.float64)  # exact: below 2**53
    u *= _TO_UNIT
    return u


def per_step(u: np.ndarray, power) -> np.ndarray:
    """Uniforms for chances asked ``power`` weeks' worth per step: ``u' = 1 - (1 - u) ** (1 / power)``.

    ``u' < p`` exactly when ``u < 1 - (1 - p) ** power``, so a rule that compares its weekly chance ``p`` with
    ``u'`` says yes with this step's chance (``Compiled.step_powers``); still uniform-ordered, in [0, 1).
    ``power`` is a number or one per column of ``u``. Kept below 1 (a draw near 1 would round up to it), so a
    chance of 1 still always says yes."""
    return np.minimum(-np.expm1(np.log1p(-u) / power), _BELOW_ONE)


_BELOW_ONE = np.nextafter(1.0, 0.0)


class StepUniforms:
    """The uniforms of weekly step k for the runs of a chunk, drawn a column (slot) at a time when first read.

    Reads like the (runs x slots) matrix: ``U[:, slot]`` is slot's column; the kernel and the calendar read
    nothing else."""

    __slots__ = ("keys", "draw_keys", "cols", "source", "powers")

    def __init__(self, keys: np.ndarray, draw_keys: np.ndarray, source: np.ndarray | None = None,
                 powers: np.ndarray | None = None):
        """``source`` (optional): row i reads the draws of run ``keys[source[i]]`` (copies of runs, e.g. with one
        parameter changed, read their run's draws): each run's column is drawn once, then gathered.
        ``powers`` (optional, one per slot): each column passed through ``per_step`` (steps other than a week)."""
        self.keys, self.draw_keys, self.cols, self.source, self.powers = keys, draw_keys, {}, source, powers

    def _draw(self, keys, j):
        u = uniforms(keys, self.draw_keys[j])
        if self.powers is not None and self.powers[j] != 1.0:
            u = per_step(u, self.powers[j])
        return u

    def __getitem__(self, where):
        rows, j = where
        col = self.cols.get(j)
        if col is None:
            if isinstance(rows, np.ndarray) and np.issubdtype(rows.dtype, np.signedinteger):  # a few runs: draw theirs alone
                return self._draw(self.keys[rows if self.source is None else self.source[rows]], j)
            col = self._draw(self.keys, j)
            col = self.cols[j] = col if self.source is None else col.take(self.source)
        return col if isinstance(rows, slice) and rows == slice(None) else col[rows]

    @property
    def shape(self):
        return (len(self.keys) if self.source is None else len(self.source), len(self.draw_keys))


class Layout:
    """The draw keys of one compiled scenario (built once, kept with it)."""

    def __init__(self, param_names, slots, n_steps: int):
        self.param = param_keys(param_names)
        self.step = step_keys(slots, n_steps)

    @classmethod
    def of(cls, compiled) -> Layout:
        layout = compiled.__dict__.get("_draw_layout")
        if layout is None:
            layout = compiled.__dict__["_draw_layout"] = cls(compiled.table.names, compiled.slots, compiled.n_steps)
        return layout


@dataclass(frozen=True)
class RunSeed:
    """The address of one run, to hand to the Mesa model as its ``rng``: ``DiplomacyModel(c, rng=run_seed(...))``."""

    seed: int
    point: int = 0
    replication: int = 0


def run_seed(root_seed: int, replication: int, point: int = 0) -> RunSeed:
    return RunSeed(int(root_seed), int(point), int(replication))


run_generator = run_seed  # the former name (callers passed its result as the model's rng; they still may)


@dataclass(frozen=True)
class RunDraws:
    """All uniforms of one run: ``param_u`` (n_params,) in ``ParameterTable.names`` order and ``step_u``
    (n_steps, n_slots), one row per weekly step, one column per named slot (``Compiled.slots``)."""

    param_u: np.ndarray
    step_u: np.ndarray

    @classmethod
    def for_run(cls, compiled, root_seed: int, replication: int, point: int = 0) -> RunDraws:
        layout = Layout.of(compiled)
        key = run_keys(root_seed, [point], [replication])
        step_u = uniforms(key, layout.step)
        if compiled.step_powers is not None:
            step_u = per_step(step_u, compiled.step_powers)
        return cls(uniforms(key, layout.param), step_u)
