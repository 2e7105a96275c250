"""The static analysis: one walk per async function, expression typing, the project's models and helpers, the rule registry."""
