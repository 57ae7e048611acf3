"""Behaviour, months later: the follow-up questionnaire of ``modules/follow-up.yaml``.

A learner is invited some months after their cohort's last day (the questionnaire's waves, 3 and 6 by default)
to say what they have applied: cases identified, qualified, referred; for trainers, the sessions they ran. They
answer in the app, or on paper and their trainer types it in. The programme view adds it up beside reaction and
learning.
"""
