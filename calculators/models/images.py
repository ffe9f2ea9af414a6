"""Container images kept in a registry and pulled to train: what the images take up, what pulling them costs,
how many pulls a budget buys, and how much the pulls may cost before renting elsewhere stops paying."""

from __future__ import annotations

import math

from .storage import transfer_cost

__all__ = ["pull_budget", "pull_cost", "pulls_within", "stored_gb"]


def stored_gb(images: float, image_gb: float) -> float:
    """How many GB do the kept images take up?

    The AWS note's ten images of 10 GB:

    >>> stored_gb(10, 10)
    100
    """
    return images * image_gb


def pull_cost(pulls: float, image_gb: float, transfer_price: float) -> float:
    """What does pulling the image out of the registry cost per session?

    Four pulls of a 10 GB image at $0.09/GB:

    >>> round(pull_cost(4, 10, 0.09), 2)
    3.6
    """
    return transfer_cost(pulls * image_gb, transfer_price)


def pulls_within(budget: float, one_pull: float) -> int:
    """How many whole pulls cost less than the budget? 0 when a pull costs nothing: there is no count to state.

    A $7.04 budget and pulls of 10 GB at $0.09/GB ($0.90 each): seven pulls ($6.30) fit, the eighth ($7.20) does not;
    a budget of $0 fits none:

    >>> pulls_within(7.042, 0.9), pulls_within(0.0, 0.9)
    (7, 0)
    """
    if one_pull <= 0 or not math.isfinite(budget / one_pull):
        return 0  # a free pull (or one too cheap to count) has no number of pulls to state
    whole = math.floor(budget / one_pull)
    return max(whole - 1 if whole * one_pull >= budget and whole > 0 else whole, 0)


def pull_budget(own_session: float, elsewhere_session: float, pulls: float) -> float:
    """How much may a session's pulls cost before training elsewhere (and pulling the image there) stops beating
    training where the image is kept? 0 when it never beats it, pulls or no pulls.

    The AWS note: a session costs $7 on EC2 beside the registry and $7.80 on Lambda with $3.60 of pulls, so $4.20
    without them; Lambda wins while pulls cost less than $7 - $4.20 = $2.80. At $4 a session on EC2, less than
    Lambda's $4.20 before any pull, no pull budget is left:

    >>> round(pull_budget(7.0, 7.8, 3.6), 2), pull_budget(4.0, 7.8, 3.6)
    (2.8, 0.0)
    """
    return max(own_session - (elsewhere_session - pulls), 0.0)
