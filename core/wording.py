"""How numbers read in replies: a count with its noun in the right number, and money in cents.

Kept in one place so "1 questions" or "$0.0000" cannot creep back into one feature's reply.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`counted(1, "question")` is "1 question"; `counted(3, "question")` is "3 questions"."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


CENT = Decimal("0.01")


def dollars(amount: Decimal | float, rounding: str = ROUND_CEILING) -> str:
    """Dollars to the cent. Spending rounds up and what is left rounds down (pass
    ROUND_FLOOR), so a budget never looks roomier than it is: $0.001 spent shows as $0.01."""
    value = Decimal(str(amount))
    return f"${value.quantize(CENT, rounding=rounding):,.2f}"
