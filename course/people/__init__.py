"""The coordinators' list of people: every learner and trainer, searchable and read a page at a time."""
