"""Audit log: who did what to whose data, kept for staff accountability."""
