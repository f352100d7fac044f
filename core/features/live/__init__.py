"""Live quiz rounds (/quiz live): timed questions in a channel, points for speed, standings."""
