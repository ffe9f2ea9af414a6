"""What storing data costs (by the hour of a monthly price, or for whole months), and what moving it costs."""

from __future__ import annotations

HOURS_PER_MONTH = 730.0
"""365 × 24 / 12: AWS's billing month, over which monthly prices (and Spot Advisor rates) are read."""

BYTES_PER_GB = 1e9

__all__ = ["BYTES_PER_GB", "HOURS_PER_MONTH", "storage_cost", "transfer_cost", "volume_cost"]


def storage_cost(size_gb: float, price_per_gb_month: float, hours: float) -> float:
    """What does keeping ``size_gb`` for ``hours`` cost at a monthly price per GB?

    100 GB of gp3 at $0.08 per GB-month for 365 hours (half a month):

    >>> storage_cost(100, 0.08, 365)
    4.0

    Two 1.5 GB checkpoints on S3 Standard at $0.023 per GB-month for a 730-hour month:

    >>> round(storage_cost(2 * 1.5, 0.023, 730), 4)
    0.069
    """
    return size_gb * price_per_gb_month * hours / HOURS_PER_MONTH


def volume_cost(size_gb: float, price_per_gb_month: float, months: float) -> float:
    """What does a volume of ``size_gb`` cost for ``months``?

    A 100 GB EBS volume at $0.10 per GB-month for one month:

    >>> volume_cost(100, 0.10, 1)
    10.0
    """
    return size_gb * price_per_gb_month * months


def transfer_cost(size_gb: float, price_per_gb: float) -> float:
    """What does moving ``size_gb`` in or out cost at a price per GB?

    40 GB out of an AWS region at $0.09/GB; 100 GB into AWS, which is free:

    >>> round(transfer_cost(40, 0.09), 2), transfer_cost(100, 0.0)
    (3.6, 0.0)
    """
    return size_gb * price_per_gb
