"""« Le regard de l'intervenant·e »: each speaker's own questionnaire on their sessions, kept apart from scores."""
