"""Mentoring in the register of personal data."""

from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    AS_RECORD,
    WHILE_ACCOUNT,
    WHO_DID_IT,
    Erasure,
    declare,
)

from .models import (
    Evaluation,
    MatchingRun,
    Meeting,
    Mentor,
    Note,
    Pair,
    ProposedPair,
    Wishlist,
)

declare(
    Mentor,
    purpose=_("Your profile as a mentor: areas, languages and a short text."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.ANONYMISE,
    clear={"profile": ""},
)
declare(
    Wishlist,
    owners=("mentee",),
    purpose=_("Your wishes for a mentor."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    ProposedPair,
    owners=("mentee",),
    purpose=_("Proposed pairs of mentor and mentee, before they are published."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
)
declare(
    Pair,
    owners=("mentee", "mentor__person"),
    purpose=_("Your mentoring pair."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
)
declare(
    Meeting,
    owners=("pair__mentee", "pair__mentor__person"),
    purpose=_("Meetings of your mentoring pair and their agreed topics."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.ANONYMISE,
    clear={"topics": ""},
)
declare(
    Note,
    owners=("author",),
    purpose=_("Notes you wrote about your mentoring."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    Evaluation,
    owners=("respondent",),
    purpose=_("Your evaluation of your mentoring."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.ANONYMISE,
    clear={"comment": ""},
)
declare(
    MatchingRun,
    owners=("created_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
