"""Account pages: ``auth`` (register, log in and out, passwords), ``otp`` (second factor), ``space`` (Mon espace)."""
