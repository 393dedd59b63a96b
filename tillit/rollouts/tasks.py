"""Background work of rollouts, run by the worker (django.tasks)."""

from django.tasks import task


@task(queue_name="engine")
def plan_rollout_task(plan_id: int, keep_placed: bool = False) -> None:
    """Run the cohort planner for a plan; progress is stored on the plan."""
    from .services import planning

    planning.run_planning(plan_id, keep_placed=keep_placed)
