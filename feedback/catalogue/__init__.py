"""The catalogue's shared core: trainings, sessions, speakers and the questionnaires they use.

Below the areas: the catalogue pages (manage), the questionnaire builder, the imports, the trainer's review, the
distribution and the demo all create or read these through this package, never through each other.
"""
