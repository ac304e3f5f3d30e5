"""Registration: people, their places on sessions, waiting lists."""
