"""The learner's reading path: home, track, module and section pages."""
