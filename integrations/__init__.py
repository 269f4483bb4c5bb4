"""Outbound adapters: email by SMTP or to a drop folder (SMS and Notify come later).

Plain classes with their settings passed in; no Flask, no database.
"""
