"""Staff accounts administered on the web: invitations, password resets, roles, deactivation, and the audit log."""
