"""Identity: users, credentials, sessions (refresh-token families) and one-time codes."""
