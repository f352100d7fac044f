"""Code reviews: `/review` with a fenced block (now or in the next message), reviewed by the
model online or by static analysis offline. Code is only ever parsed, never executed."""
