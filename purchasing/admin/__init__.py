"""Purchasing admin: registry, campaigns and commissions, allocation review, contracts."""

from . import allocations, campaigns, contracts, providers  # noqa: F401
