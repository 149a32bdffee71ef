"""Rounds of resubmission: the agency's explanations and the office's decisions carried over to the next check."""
