"""Search over professionals and services, ranked, case- and accent-insensitive."""
