"""Learning in the register of personal data: answers to assignments and
their files, feedback, attendance, certificates and alumni membership."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    ARCHIVE_REASON,
    ARCHIVED,
    AS_RECORD,
    WHILE_ACCOUNT,
    WHO_DID_IT,
    Erasure,
    declare,
    declare_free,
    public_organiser,
)

from .models import (
    AlumniMembership,
    Assignment,
    Attendance,
    Certificate,
    Feedback,
    Preparation,
    PreparationFile,
    Submission,
    SubmissionFile,
)


def remove_uploads(person, *, actor, dry_run):
    """The uploaded files go from storage with their rows (after the commit)."""
    if dry_run:
        return None
    for stored in SubmissionFile.objects.filter(submission__person=person):
        name, storage = stored.file.name, stored.file.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return None


declare(
    Submission,
    purpose=_("Your answers to assignments, and when you handed them in."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.ANONYMISE,
    clear={"text": ""},
)
declare(
    SubmissionFile,
    owners=("submission__person",),
    purpose=_("Files you uploaded as answers to assignments."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
    on_erase=remove_uploads,
)
declare(
    Feedback,
    owners=("submission__person",),
    purpose=_("Teachers' feedback on your answers."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.ANONYMISE,
    clear={"text": ""},
)
declare(
    Attendance,
    purpose=_("Your attendance at sessions, as marked by the teacher or checked in."),
    retention=ARCHIVED,
    erasure=Erasure.ANONYMISE,
    archived=public_organiser("session__cohort__programme__organiser"),
    keep_reason=ARCHIVE_REASON,
)
declare(
    Certificate,
    purpose=_("Certificates issued to you, with your name as printed on them."),
    retention=ARCHIVED,
    erasure=Erasure.ANONYMISE,
    clear={"participant_name": "", "content": ""},
    archived=public_organiser("cohort__programme__organiser"),
    keep_reason=ARCHIVE_REASON,
)
declare(
    AlumniMembership,
    purpose=_("Your membership of a programme's alumni."),
    retention=WHILE_ACCOUNT,
    erasure=Erasure.DELETE,
)
declare(
    PreparationFile,
    owners=("uploaded_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare_free(
    Preparation, Assignment, reason="What a session or assignment asks of everyone."
)
