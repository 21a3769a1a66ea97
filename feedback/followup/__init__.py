"""The follow-up questionnaire (« évaluation à froid »): addresses, e-mails, links, pairing with first answers."""
