"""Privacy: how long personal data and free text are kept (`flask purge`)."""
