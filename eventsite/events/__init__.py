"""Events: organisations, venues, events, their sessions and programmes."""
