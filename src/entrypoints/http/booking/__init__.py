"""The service-booking marketplace over HTTP: services, professionals, bookings, reviews,
favorites and search."""
