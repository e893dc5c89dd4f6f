"""Reviews: customers rate the work of completed bookings; professionals may reply once."""
