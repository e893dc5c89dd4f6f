"""A booking's conversation: opened with the request between its customer and professional,
showing the booking as the booking context's events tell it, and read-only for both once the
booking has been closed for ``booking_chat_open_hours``."""
