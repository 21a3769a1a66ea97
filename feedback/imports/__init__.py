"""Imports of the activity the feedback does not see: the catalogue (sessions, participations), attendance lists."""
