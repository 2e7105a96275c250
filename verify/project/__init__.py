"""Facts about the user's project, read statically (never imported): root, Django version, dependencies, what is installed, settings, deployment."""
