"""Background work: the outbox relay, the in-process worker, and dramatiq workers."""
