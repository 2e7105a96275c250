"""From paths on the command line to a report: configuration, file discovery, the one walk and the one reader, parallel runs, the cache, git changes, output formats."""
