"""The booking context in SQL: one module per part of src/alora_core/booking."""
