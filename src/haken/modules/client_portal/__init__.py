"""The client portal: client supervisors (派遣先), their workers, timecard confirmation."""
