"""Cohorts: training sessions run by trainers, and how learners join them."""
