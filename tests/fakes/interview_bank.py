"""A tiny interview bank for tests, so scores do not move when the real bank grows."""

from __future__ import annotations

from core.features.interview.bank import InterviewBank, parse_entry

ENTRIES = [
    {
        "id": "t-cache",
        "roles": ["backend"],
        "difficulty": "mid",
        "focus": "system-design",
        "question": "How would you add a cache in front of a slow database?",
        "hint": "Think about what happens when the data changes.",
        "follow_up": "How do you stop a thundering herd when a hot key expires?",
        "key_points": [
            {"point": "Cache-aside reads", "concepts": ["cache-aside", "read-through", "lazy loading", "load on a miss"]},
            {"point": "Invalidation on writes", "concepts": ["invalidate", "invalidation", "evict", "ttl"]},
            {"point": "Stampede protection", "concepts": ["lock", "single flight", "jitter", "request coalescing"]},
        ],
    },
    {
        "id": "t-index",
        "roles": ["backend", "data"],
        "difficulty": "mid",
        "focus": "databases",
        "question": "When does a database index not help a query?",
        "hint": "Consider selectivity and how the query filters.",
        "follow_up": "",
        "key_points": [
            {"point": "Low selectivity", "concepts": ["selectivity", "selective", "cardinality"]},
            {"point": "Functions on the column", "concepts": ["function on the column", "expression", "wrapped in a function"]},
        ],
    },
    {
        "id": "t-conflict",
        "roles": ["any"],
        "difficulty": "junior",
        "focus": "behavioural",
        "question": "Tell me about a disagreement with a teammate and how you resolved it.",
        "hint": "Use situation, task, action, result.",
        "follow_up": "What would you do differently now?",
        "key_points": [
            {"point": "Listened to the other view", "concepts": ["listened", "understand", "their view"]},
            {"point": "A concrete result", "concepts": ["result", "outcome", "shipped"]},
        ],
    },
]


def tiny_bank() -> InterviewBank:
    return InterviewBank([parse_entry(entry) for entry in ENTRIES])
