"""What programmes records in the audit trail (see tillit.core.auditing).

Each entry carries its programme and cohort, so that the organiser's trail of a
programme (registrations:organiser-trail) finds it, deleted rows included."""

from tillit.core import auditing

from .models import Cohort, Programme, Session, TargetRule, Theme

auditing.track(Theme)
auditing.track(
    Programme,
    scope=lambda programme: (programme.pk, None),
    m2m_fields=("themes", "teachers", "contact_persons"),
)
auditing.track(TargetRule, scope=lambda rule: (rule.programme_id, None))
auditing.track(Cohort, scope=lambda cohort: (cohort.programme_id, cohort.pk))
auditing.track(
    Session,
    scope=lambda session: (session.cohort.programme_id, session.cohort_id),
    exclude_fields=("modified_at",),
    m2m_fields=("teachers",),
)
