"""What mentoring records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import (
    Evaluation,
    MatchingRun,
    Meeting,
    Mentor,
    MentoringProgramme,
    Note,
    Pair,
    ProposedPair,
    Wish,
    Wishlist,
)

auditing.track(MentoringProgramme)
auditing.track(Mentor)
auditing.track(Wishlist)
auditing.track(Wish)
auditing.track(MatchingRun)
auditing.track(ProposedPair)
auditing.track(Pair)
auditing.track(Meeting)
# A private note is for its author (and, if shared, the pair) only: the trail
# keeps who wrote a note and when, never its text (a change of text alone
# leaves no entry).
auditing.track(Note, exclude_fields=("body",))
auditing.track(Evaluation)
