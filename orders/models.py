"""Binding orders, their terms, deadlines and alerts."""
