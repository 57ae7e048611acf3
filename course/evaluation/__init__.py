"""Participant evaluation: learners rate their cohort anonymously; trainers and coordinators see aggregates."""
