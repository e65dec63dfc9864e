"""The one generic background task: run a stored `Job` (see core/jobs.py).

Areas do not define a task per job kind: they start a job with a runner function, and this task
runs it in the worker (`tatara db_worker`). Its only argument is the job's id, so what the queue
holds is no more than a number.
"""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from tatara.core.jobs import execute

    return execute(job_id)
