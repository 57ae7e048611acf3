"""Teaching practice: a master trainer scores a trainee trainer's presentation on the course's rubric."""
