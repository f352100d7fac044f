"""Scheduled use cases: plain async functions of (services, notifier, now), no scheduler inside.

bot/scheduler.py decides when they run; `dojo admin run-job` runs them at a chosen time.
"""
