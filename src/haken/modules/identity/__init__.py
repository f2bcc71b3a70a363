"""Identity and access: users, sign-in sessions, tokens, password reset."""
