"""Bookings: a customer's request for a professional's time, from pending to completed."""
