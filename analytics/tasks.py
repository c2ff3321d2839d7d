from smarteconomy.tasking import scheduled_task

from .scorecard import indicators_recompute

# The service is the task body; the task adds the run log and the lock (a second run is skipped and logged).
indicators_recompute_task = scheduled_task("analytics.indicators_recompute", pass_run=True)(indicators_recompute)
