from smarteconomy.tasking import scheduled_task

from .services import levy_bills_issue_month

# On the 1st (CELERY_BEAT_SCHEDULE): the month's bills. The service is idempotent; the task adds the run log and
# the lock, so two beats or a manual rerun never issue a bill twice.
levy_bills_issue_month_task = scheduled_task("industry_center.levy_bills_issue_month")(levy_bills_issue_month)
