"""Certificates issued to participants and trainers who complete a cascade training."""
