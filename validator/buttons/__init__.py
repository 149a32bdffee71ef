"""Buttons inside Excel: the macro-enabled template (.xlsm) and the ribbon add-in, built at zip level."""
