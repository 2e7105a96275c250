# The demo project is run by pytester in a subprocess with its own settings; the main suite
# runs with the sample project's settings and must not import it.
collect_ignore = ["demo_project"]
