"""Who may do what (DESIGN §9), decided here and nowhere else.

- Operators (`DOJO_ADMINS`, and `dojo admin` at the shell) act everywhere: global XP, global
  bans and their lifting, badges (they carry global XP) and AI budgets (they cost the operator
  money).
- Community moderators (the platform's admins of a group or server, or holders of the role a
  moderator named) act on their own community only: its board, its bans, its channels and
  settings. Anyone can create a group and so moderate it, which is why nothing a community
  moderator does may reach beyond that community.
- Learners act on themselves only.

`/admin` subcommands declare the reach they need (`Reach`); `authorise` is the one check, run
before any subcommand, and its refusals (`NotAllowed`) are audited by the router.
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import NotAllowed


class Role(StrEnum):
    OPERATOR = "operator"
    MODERATOR = "moderator"
    LEARNER = "learner"


class Reach(StrEnum):
    """What an admin action touches, and so who may take it."""

    # All of Dojo (global XP, global bans, badges, AI budgets): operators only.
    EVERYWHERE = "everywhere"
    # One community (its board, bans, channels, settings): its moderators, or an operator.
    COMMUNITY = "community"


def role_of(*, operator: bool, moderator: bool) -> Role:
    if operator:
        return Role.OPERATOR
    return Role.MODERATOR if moderator else Role.LEARNER


def authorise(role: Role, reach: Reach, *, in_community: bool, refusal: str) -> None:
    """Raise NotAllowed (one line saying who may do it) unless `role` may act with `reach`.

    Operators may do anything anywhere. A moderator may act on a community only from inside
    it: the community an /admin command is typed in is the only one its sender moderates."""
    if role is Role.OPERATOR:
        return
    if role is Role.LEARNER:
        raise NotAllowed("Only moderators can use that command.")
    if reach is Reach.EVERYWHERE:
        raise NotAllowed(refusal)
    if not in_community:
        raise NotAllowed(
            "Moderators act on their own group or server: send this there, not in a private chat."
        )
