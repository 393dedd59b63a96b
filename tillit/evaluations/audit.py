"""What evaluations records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import Answer, Evaluation, EvaluationForm, Question, Receipt, Response

auditing.track(EvaluationForm)
auditing.track(Question)
auditing.track(Evaluation)

# Anonymity: the answers of an anonymous evaluation are kept apart from the
# receipt that says who answered, with random keys and a day-only date, so that
# nobody can tie one to the other. An audit row carries the actor and the exact
# time of the write, which would tie each response, answer and receipt to the
# signed-in person who wrote it.
ANONYMITY = (
    "Anonymity: an audit entry records who wrote the row and when to the second, "
    "which would link an anonymous answer to the person who gave it."
)
auditing.exclude(Response, ANONYMITY)
auditing.exclude(Answer, ANONYMITY)
auditing.exclude(Receipt, ANONYMITY)
