from smarteconomy.tasking import scheduled_task

from .services import daily_summaries_nightly, partitions_nightly

# The service is the task body; the task adds the run log and the lock (a second run is skipped and logged).
daily_summaries_nightly_task = scheduled_task("cashless.daily_summaries_nightly")(daily_summaries_nightly)
partitions_nightly_task = scheduled_task("cashless.partitions_nightly")(partitions_nightly)
