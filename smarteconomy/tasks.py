from .services import housekeeping_run
from .tasking import scheduled_task

# The service itself is the task body; the task adds the run log and the lock.
housekeeping = scheduled_task("smarteconomy.housekeeping_run")(housekeeping_run)
