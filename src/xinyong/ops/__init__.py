"""Operations: health and readiness, Prometheus metrics, structured request logs, the scheduler of the
daily jobs and the locks that keep two processes from migrating or running one job at once."""
