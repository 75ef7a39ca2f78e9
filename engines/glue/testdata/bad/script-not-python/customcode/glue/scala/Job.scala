object Job
