"""Rollouts in the register of personal data: what the employer's HR system
says about its managers; uploaded HR files go by retention rule."""

from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _

from tillit.core.personal_data import (
    AS_RECORD,
    WHO_DID_IT,
    Erasure,
    declare,
    declare_retention,
)

from .models import Employment, Exclusion, FollowUp, ImportBatch, RolloutPlan

declare(
    Employment,
    purpose=_(
        "Your employment as your employer's HR system gives it: employee id, "
        "department and the day you left, to plan who goes through a programme "
        "when."
    ),
    retention=_("As long as you work for the organisation or use Tillit."),
    erasure=Erasure.ANONYMISE,
    clear={
        "employee_id": Concat(Value("erased-"), Cast("pk", CharField())),
    },
)
declare(
    Exclusion,
    owners=("employment__person",),
    purpose=_("Why you are left out of a rollout plan."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
    clear={"reason": ""},
)
declare(
    FollowUp,
    owners=("employment__person",),
    purpose=_("Your follow-up talk with your own manager after a programme."),
    retention=AS_RECORD,
    erasure=Erasure.ANONYMISE,
    clear={"note": ""},
)
declare(
    ImportBatch,
    owners=("uploaded_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)
declare(
    RolloutPlan,
    owners=("created_by",),
    purpose=WHO_DID_IT,
    retention=AS_RECORD,
    erasure=Erasure.KEEP,
    keep_reason=WHO_DID_IT,
)


def _imports_due(organisation, cutoff):
    return ImportBatch.objects.filter(organisation=organisation, created_at__lt=cutoff)


declare_retention(
    "hr_import_files",
    label=_("Uploaded HR files"),
    description=_("Counted from the upload; the people imported stay."),
    due=_imports_due,
    dispose=lambda rows: rows.delete()[0],
)
