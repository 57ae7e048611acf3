"""Session days of a cohort, attendance marking, and the attendance share a track may require."""
