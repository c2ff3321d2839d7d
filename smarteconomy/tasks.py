from celery import shared_task

from .exportjobs import export_job_run
from .services import housekeeping_run
from .tasking import scheduled_task

# The service itself is the task body; the task adds the run log and the lock.
housekeeping = scheduled_task("smarteconomy.housekeeping_run")(housekeeping_run)


@shared_task(name="smarteconomy.export_job_run")
def export_job_run_task(job_id):
    """A large export of a list page (not a scheduled task: many users' exports run side by side, each one
    recorded in its own ExportJob row rather than in TaskRun)."""
    export_job_run(job_id=job_id)
