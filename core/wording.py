"""How numbers read in replies: a count with its noun in the right number, and money in cents.

Kept in one place so "1 questions" or "$0.0000" cannot creep back into one feature's reply.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`counted(1, "question")` is "1 question"; `counted(3, "question")` is "3 questions"."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


CENT = Decimal("0.01")


def dollars(amount: Decimal | float) -> str:
    """Dollars to the cent; a spend too small to show as a cent says so rather than "$0.00"."""
    value = Decimal(str(amount))
    if 0 < value < Decimal("0.005"):
        return "under $0.01"
    return f"${value.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
