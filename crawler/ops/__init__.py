"""Running Akhbar unattended: the run lock, database backups, progress lines and the run history."""
