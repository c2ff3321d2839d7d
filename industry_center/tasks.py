from smarteconomy.tasking import scheduled_task

from .services import levy_bills_issue_month, levy_bills_mark_overdue

# On the 1st (CELERY_BEAT_SCHEDULE): the month's bills. The service is idempotent; the task adds the run log and
# the lock, so two beats or a manual rerun never issue a bill twice.
levy_bills_issue_month_task = scheduled_task("industry_center.levy_bills_issue_month")(levy_bills_issue_month)

# Every night: bills past their due date with money still owed become overdue (the list and indicators read it).
levy_bills_mark_overdue_task = scheduled_task("industry_center.levy_bills_mark_overdue")(levy_bills_mark_overdue)
