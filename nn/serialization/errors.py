"""The errors a load raises: every refusal is a `CheckpointError` (a `ValueError`)."""

from __future__ import annotations

__all__ = ["CheckpointError", "UnsafeCheckpointError", "CheckpointTooLargeError"]


class CheckpointError(ValueError):
    """The file is not a readable checkpoint (truncated, corrupted, or not one of ours)."""


class UnsafeCheckpointError(CheckpointError):
    """The file holds pickled objects, which are refused because unpickling can run code."""


class CheckpointTooLargeError(CheckpointError):
    """The file declares more array data than the load allows (`max_bytes`)."""
