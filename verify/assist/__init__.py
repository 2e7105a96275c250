"""What the kit writes for AI assistants: instruction files, the prompt cheatsheet and its exports, safe merged writes."""
