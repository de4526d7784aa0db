# The SVLC models arrive with the learning community issue.
