"""Response models of the answers that the routes and the Celery tasks both give (the task's result
is the JSON the route would have sent inline), built from the domain's plain values."""
