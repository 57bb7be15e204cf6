"""An example plugin package for diplosim: one party rule, registered by entry point."""

from .reciprocator import Reciprocator

__all__ = ["Reciprocator"]
