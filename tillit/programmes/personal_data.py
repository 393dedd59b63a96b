"""Programmes hold no personal data of their own: their texts describe the
programme; teachers and contact persons are links to people (their own rows
are anonymised on erasure)."""

from tillit.core.personal_data import declare_free

from .models import Programme

declare_free(Programme, reason="A programme's description and target group.")
