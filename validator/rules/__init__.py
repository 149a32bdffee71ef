"""Rules: the catalogue of built-in structure/value rules and the families of spec-declared rules."""
