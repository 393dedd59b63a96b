"""What accounts records in the audit trail (see tillit.core.auditing)."""

from tillit.core import auditing

from .models import ApiToken, EmailDomain, Invitation, OrganisationSignIn

auditing.track(EmailDomain)
# The client secret is never written (auditing.SECRET_FIELDS).
auditing.track(OrganisationSignIn)
auditing.track(Invitation)
# The key's digest and prefix are secrets; its last use changes on every call
# and would fill the trail with noise.
auditing.track(ApiToken, exclude_fields=("last_used_at",))
