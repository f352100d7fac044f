"""AI access for features: budgets, pricing and usage records around the LLM port."""
