"""`/report`: a weekly progress report with a skill radar chart drawn from skill_scores."""
