"""Webhooks: admins register endpoints; events are delivered, signed, through the job queue."""
