"""The service-booking marketplace over HTTP: services, professionals, bookings, reviews,
favorites and search."""

from entrypoints.http.booking import bookings, favorites, professionals, reviews, search, services

ROUTE_HANDLERS = [
    *bookings.ROUTE_HANDLERS,
    *services.ROUTE_HANDLERS,
    *professionals.ROUTE_HANDLERS,
    *reviews.ROUTE_HANDLERS,
    *favorites.ROUTE_HANDLERS,
    *search.ROUTE_HANDLERS,
]

__all__ = ["ROUTE_HANDLERS"]
