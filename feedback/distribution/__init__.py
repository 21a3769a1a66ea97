"""Distribution by e-mail: personal invitation links, reminders, and the follow-up contacts of the thank-you page."""
