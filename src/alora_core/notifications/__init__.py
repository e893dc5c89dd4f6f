"""Notifications: what a user is told, pushed in real time and emailed as their settings allow."""
