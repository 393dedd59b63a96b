"""Background work of peer groups, run by the worker (django.tasks)."""

from django.tasks import task


@task(queue_name="engine")
def propose_groups_task(proposal_id: int) -> None:
    """Form the groups of a large pool; progress is stored on the proposal."""
    from .services import proposals

    proposals.run_proposal(proposal_id)
