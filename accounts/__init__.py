"""Signing in: the password step, the second factor (TOTP), password reset and change, sessions, lockout."""
