"""Sign-in, sign-out, passwords and user accounts."""
