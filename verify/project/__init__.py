"""Facts about the user's project, read statically (never imported): root, Django version, dependencies, settings, deployment."""
