"""From paths on the command line to a report: configuration, file discovery, parallel runs, the cache, git changes, output formats."""
