"""Quizzes: a validated question bank, generated questions, answers by poll or button, and
spaced repetition of missed questions. `handlers` holds the registered command and action."""
